export { OPTIONS, LOG_LEVELS, type Config, type ConfigKey, type LogLevel, type OptionSpec } from './options.js';
export { compileConfig, redactedConfig, type ConfigSources, type CompileResult } from './compile.js';
export { parseValue } from './values.js';
export { flagOptions } from './flags.js';
export { checkShape, shapeOf, withShape, type Shape, type ShapeIssue } from './shape.js';
