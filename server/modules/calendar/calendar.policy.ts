/** Who may read and change the working calendar. It is tenant-wide: no per-object data scope. */
import { can } from '../../http/access.ts';

export const calendarAccess = {
  read: can('calendar.read'),
  deadline: can('calendar.read'),
  updateSettings: can('calendar.write'),
  setDays: can('calendar.write'),
} as const;
