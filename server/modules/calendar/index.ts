export {
  deadlineFrom,
  isWorkingTime,
  type LimitUnit,
  type WorkCalendar,
  workingMinutesBetween,
} from '../../lib/working-time.ts';
export { registerCalendarRoutes } from './calendar.routes.ts';
export { seedCalendarDefaults, seedDemoCalendar } from './calendar.seed.ts';
export { loadWorkCalendar } from './calendar.service.ts';
