/**
 * The failover tests' stack: db (a fixed host port) on a `role=db` host, api (depends on db, so it is wired
 * to db's address) on a `role=app` host. With two db hosts, db has somewhere to move.
 */
export function wiredStack(name: string) {
  return {
    '@context': 'https://schema.org',
    '@graph': [
      {
        '@type': 'Stack',
        name,
        deployment: {
          placementStrategy: 'auto',
          hostConstraints: [
            { containerName: 'db', labels: { role: 'db' } },
            { containerName: 'api', labels: { role: 'app' } },
          ],
        },
        hasPart: [
          { name: 'db', image: 'busybox:latest', ports: [{ containerPort: 5432, hostPort: 15432 }] },
          { name: 'api', image: 'busybox:latest', dependsOn: ['db'] },
        ],
      },
    ],
  };
}
