export { seedCalendarDefaults, seedDemoCalendar } from './calendar.seed.ts';
