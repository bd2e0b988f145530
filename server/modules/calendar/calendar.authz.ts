import type { Matrix } from '../../test/authz.ts';

export const MATRIX: Matrix = {
  'GET /api/v1/calendar': {
    access: 'permission:calendar.read',
    request: () => ({ method: 'GET', url: '/api/v1/calendar?year=2026' }),
  },
  'GET /api/v1/calendar/deadline': {
    access: 'permission:calendar.read',
    request: () => ({
      method: 'GET',
      url: '/api/v1/calendar/deadline?start=2026-09-30T10:00:00%2B08:00&value=1&unit=working_days',
    }),
  },
  'PUT /api/v1/calendar/settings': {
    access: 'permission:calendar.write',
    // The defaults again, so the other routes see an unchanged calendar.
    request: () => ({
      method: 'PUT',
      url: '/api/v1/calendar/settings',
      payload: {
        workPeriods: [
          ['08:00', '12:00'],
          ['14:00', '18:00'],
        ],
        weekendDays: [6, 7],
        timeZone: 'Asia/Shanghai',
      },
    }),
  },
  'PUT /api/v1/calendar/days/:year': {
    access: 'permission:calendar.write',
    // A far year, so nothing else in the matrix run depends on it.
    request: () => ({
      method: 'PUT',
      url: '/api/v1/calendar/days/2099',
      payload: { days: [{ date: '2099-01-01', kind: 'holiday', name: '元旦' }] },
    }),
  },
};
