/**
 * notify: tell a human. The execution record is the notification; with an Alertmanager
 * configured it is also posted there as alert "MapekNotification". Irreversible.
 */
import type { ActionModule } from './action.js';

export interface Notification {
  readonly message: string;
  readonly team?: string;
}

export const NOTIFICATION_ALERT = 'MapekNotification';

export const notify: ActionModule<Notification | null> = {
  type: 'notify',
  read: async () => ({ value: null, etag: '' }),
  desired: (_current, params) => ({ message: String(params['message']), ...(typeof params['team'] === 'string' ? { team: params['team'] } : {}) }),
  same: () => false,
  async write(ctx, target, state) {
    if (!ctx.alertmanager || !state) return;
    await ctx.alertmanager.postAlerts([
      {
        labels: { alertname: NOTIFICATION_ALERT, severity: 'info', service: 'mapek', target, ...(state.team ? { team: state.team } : {}) },
        annotations: { summary: state.message, reason: ctx.reason },
      },
    ]);
  },
  landed: () => 'yes',
  defaultVerify: { all: [] },
};
