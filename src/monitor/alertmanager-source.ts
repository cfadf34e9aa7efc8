import type { AlertmanagerApi } from '../types/ports.js';
import type { MonitorSource, SourceReading } from './source.js';

/** Active alerts from Alertmanager API v2, silenced and inhibited ones included and marked. */
export class AlertmanagerSource implements MonitorSource {
  readonly name = 'alertmanager' as const;
  constructor(private readonly api: AlertmanagerApi) {}

  async read(): Promise<SourceReading> {
    const alerts = await this.api.alerts({ active: true, silenced: true, inhibited: true });
    return { alerts };
  }
}
