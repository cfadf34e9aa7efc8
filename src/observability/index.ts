export { createLogger, silentLogger, type Logger, type Level, type Fields, type LoggerOptions } from './logger.js';
export { createServiceMetrics, SOURCES, type ServiceMetrics, type Phase, type CycleResult, type Trigger, type WebhookResult } from './metrics.js';
