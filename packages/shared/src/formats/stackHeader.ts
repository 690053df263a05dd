import type { StackSpec } from '../models/stackSpec.js';
import { asHostRef, asString } from './coerce.js';
import { deploymentDefaults } from './defaults.js';
import type { FormatContext } from './formatContext.js';
import type { ObjectReader } from './objectReader.js';
import { readDeployment, readNetwork, readVolumes } from './stackFields.js';
import { readStackName } from './stackName.js';

/**
 * The stack-level fields a JSON-LD stack node and an EVE ItemList share: name, `@id`, description,
 * locatedInHost (the default host), network, volumes and deployment. Containers are left to the caller.
 */
export function readStackHeader(reader: ObjectReader, ctx: FormatContext): StackSpec {
  const spec: StackSpec = { name: readStackName(reader, ctx), volumes: [], deployment: deploymentDefaults(), containers: [] };
  const sourceId = reader.read('@id', asString);
  if (sourceId !== undefined) spec.sourceId = sourceId;
  const description = reader.read('description', asString);
  if (description !== undefined) spec.description = description;
  const defaultHost = reader.read('locatedInHost', asHostRef);
  ctx.sources.record('defaultHost', reader.pathOf('locatedInHost'));
  if (defaultHost !== undefined) spec.defaultHost = defaultHost;
  const network = reader.take('network');
  if (network !== undefined) {
    const parsed = readNetwork(network, reader.pathOf('network'), ctx);
    if (parsed !== undefined) spec.network = parsed;
  }
  const volumes = reader.take('volumes');
  if (volumes !== undefined) spec.volumes = readVolumes(volumes, reader.pathOf('volumes'), ctx);
  const deployment = reader.take('deployment');
  if (deployment !== undefined) spec.deployment = readDeployment(deployment, reader.pathOf('deployment'), ctx);
  return spec;
}
