/** Small definitions, one per format, to start from (images a fresh test host has: busybox, nginx:alpine). */
export const EXAMPLES = {
  jsonld: {
    label: 'JSON-LD',
    filename: 'hello.json',
    text: `${JSON.stringify(
      {
        '@context': 'https://schema.org',
        '@graph': [
          {
            '@type': ['datacenter:Stack', 'SoftwareApplication'],
            name: 'hello',
            description: 'nginx and a busybox worker',
            deployment: { mode: 'multi-host', placementStrategy: 'spread' },
            hasPart: [
              { name: 'web', image: 'nginx:alpine', ports: [{ containerPort: 80, hostPort: 8090 }] },
              { name: 'worker', image: 'busybox:latest', command: ['sh', '-c', 'while true; do sleep 5; done'], dependsOn: ['web'] },
            ],
          },
        ],
      },
      null,
      2,
    )}\n`,
  },
  eve: {
    label: 'EVE ItemList',
    filename: 'hello-eve.json',
    text: `${JSON.stringify(
      {
        '@context': 'https://schema.org',
        '@type': 'ItemList',
        name: 'hello-eve',
        itemListElement: [
          { position: 1, name: 'web', image: 'nginx:alpine', ports: [{ containerPort: 80, hostPort: 8091 }] },
          { position: 2, name: 'worker', image: 'busybox:latest', command: ['sh', '-c', 'while true; do sleep 5; done'], requirements: ['web'] },
        ],
      },
      null,
      2,
    )}\n`,
  },
  compose: {
    label: 'Compose',
    filename: 'docker-compose.yml',
    text: `name: hello-compose
services:
  web:
    image: nginx:alpine
    ports:
      - "8092:80"
  worker:
    image: busybox:latest
    command: ["sh", "-c", "while true; do sleep 5; done"]
    depends_on:
      - web
`,
  },
};
