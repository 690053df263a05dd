export { validateStack, VALIDATION_RULES } from './validateStack.js';
export { ValidationContext, containerPath, type ValidationRule } from './context.js';
export { dependencyWaves, type DependencyGraphInput } from './dependencyGraph.js';
export { parseImageReference, type ImageReference, type ImageReferenceResult } from './imageReference.js';
export { DOCKER_NAME, DOCKER_VOLUME_NAME, isDockerName } from './dockerNames.js';
export { SourceMap } from './sourceMap.js';
export { jsonPath, parentPath, isWithin, type PathSegment } from './jsonPath.js';
export { describeValue, mustBeOneOf, quote } from './describe.js';
