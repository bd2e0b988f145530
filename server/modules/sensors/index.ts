/** The sensors module: sites, monitors and fees (routes), the HJ 212 listener, rules, jobs and demo seed. */
export { invalidateSensorCaches, sensorMetrics } from './sensors.ingest.ts';
export { registerSensorJobs, runSensorCaseWork, runSensorOfflineCheck } from './sensors.jobs.ts';
export { type SensorListener, type SensorListenerOptions, startSensorListener } from './sensors.listener.ts';
export { registerSensorsRoutes } from './sensors.routes.ts';
export { DEMO_MONITOR, seedDemoSensors } from './sensors.seed.ts';
export { getSite, listSites, sitePoints, sitesWithoutMonitor as sitesWithoutMonitorInScope } from './sensors.sites.ts';
