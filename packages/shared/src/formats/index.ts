export { parseStack, parseStackOrThrow } from './parseStack.js';
export type { ParseFailure, ParseFailureCode, ParseOptions, ParseResult, ParseSuccess } from './types.js';
export { detectFormat, ACCEPTED_FORMATS, type Detection } from './detect.js';
export { decodeText, syntaxOf, type DecodeResult, type SourceHints } from './decode.js';
export { formatIssue } from './diagnostics.js';
export { splitShellWords, type ShellWordsResult } from './shellWords.js';
export { parsePortString, parsePortRange, type PortStringResult } from './portMappings.js';
export { parseVolumeString, type VolumeStringResult } from './volumeMounts.js';
export { nameFromFilename } from './stackName.js';
