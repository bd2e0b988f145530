export type { TNotificationEvent } from '../../../common/notifications.ts';
export { type NotificationJobOptions, registerNotificationJobs } from './notifications.jobs.ts';
export { DELIVER_JOB, FANOUT_JOB, type NotifyInput, notify } from './notifications.outbox.ts';
export { registerNotificationsRoutes } from './notifications.routes.ts';
