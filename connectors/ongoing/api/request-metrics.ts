/** The Ongoing client's own metric, on the process's registry beside the runtime's. */
import { Counter } from 'prom-client';
import { registry } from '../../../runtime/metrics.js';

export const ongoingRequests = new Counter({
  name: 'pipeline_ongoing_requests_total',
  help: 'requests to the Ongoing API by method, resource (first path segment) and HTTP status ("network" when no answer came)',
  labelNames: ['method', 'resource', 'status'],
  registers: [registry],
});
