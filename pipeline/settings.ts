/**
 * Every setting a pipeline process reads, gathered from the components that declare them (each
 * declares its own, beside the code that reads it), plus those the composition root owns and
 * those several roles read (the integrated warehouse: processors, reconcile, the console).
 */
import { setting, type ConfigOf } from '../runtime/config.js';
import { multicaseDbSettings } from '../connectors/multicase/database.js';
import { pickingListSourceSettings } from '../connectors/multicase/picking-lists.js';
import { productSourceSettings } from '../connectors/multicase/products.js';
import { purchaseOrderSourceSettings } from '../connectors/multicase/purchase-orders.js';
import { returnSourceSettings } from '../connectors/multicase/returns.js';
import { tableSourceSettings } from '../connectors/multicase/table-source.js';
import { ongoingApiSettings } from '../connectors/ongoing/api/client.js';
import { ongoingSourceSettings } from '../connectors/ongoing/goods-receipts.js';
import { inventoryAdjustmentSourceSettings } from '../connectors/ongoing/inventory-adjustments.js';
import { orderClosingSourceSettings } from '../connectors/ongoing/order-closings.js';
import { shipmentSourceSettings } from '../connectors/ongoing/shipments.js';
import { ongoingSinkSettings } from '../sinks/ongoing/writer.js';
import { purchaseOrderSinkSettings } from '../sinks/ongoing/purchase-order-upsert.js';
import { openExceptionSettings } from '../sinks/multicase/open-exceptions.js';
import { reconcileSettings } from './ops/reconcile.js';
import { consoleSettings } from './console/settings.js';
import { consumerLagSettings } from './consumer-lag.js';

/** Which warehouse the integration covers (and how returns are numbered there), read by the processors, `ops reconcile` and the console. */
export const warehouseSettings = {
  integratedWarehouse: setting.string('MULTICASE_ONGOING_WAREHOUSE', {
    default: 'MAIN',
    description:
      'code of the Multicase warehouse that Ongoing runs; purchase orders, picking lists and returns of other warehouses stay out of Ongoing',
  }),
  returnNumberPrefix: setting.string('ONGOING_RETURN_NUMBER_PREFIX', {
    default: 'R-',
    description:
      "what a Multicase return's number is prefixed with in Ongoing, where it is a purchase order marked as a return: returns and purchase orders never meet there or in the id map, whatever their number series do",
  }),
  integratedWarehouseOngoingCode: setting.optional.string('ONGOING_WAREHOUSE_CODE', {
    description:
      "Ongoing's own code of that warehouse; inventory adjustments Ongoing books in its other warehouses are left alone. Unset: the same code as MULTICASE_ONGOING_WAREHOUSE",
  }),
};

/** Ongoing's own code of the integrated warehouse. */
export const integratedWarehouseOngoingCode = (cfg: ConfigOf<typeof warehouseSettings>): string =>
  cfg.integratedWarehouseOngoingCode ?? cfg.integratedWarehouse;

export const pipelineSettings = {
  setup: setting.bool('PIPELINE_SETUP', {
    default: true,
    description:
      'create missing topics and register schemas when a pipeline process starts (npm run ops -- setup does the same on its own)',
  }),
  idMapGraceMs: setting.int('ID_MAP_GRACE_MS', {
    default: 180_000,
    min: 0,
    description:
      'how long a processor waits for a missing id mapping (an article not yet in Ongoing, a mapping written late by a sink) before dead-lettering the record as unmappable, or, for a receipt on a purchase order the integration did not create, booking it as an unplanned receipt; longer than MULTICASE_PRODUCT_POLL_MS',
  }),
  ...warehouseSettings,
  ...multicaseDbSettings,
  ...tableSourceSettings,
  ...productSourceSettings,
  ...purchaseOrderSourceSettings,
  ...pickingListSourceSettings,
  ...returnSourceSettings,
  ...ongoingApiSettings,
  ...ongoingSourceSettings,
  ...shipmentSourceSettings,
  ...orderClosingSourceSettings,
  ...inventoryAdjustmentSourceSettings,
  ...ongoingSinkSettings,
  ...purchaseOrderSinkSettings,
  ...reconcileSettings,
  ...consoleSettings,
  ...openExceptionSettings,
  ...consumerLagSettings,
};

export type PipelineConfig = ConfigOf<typeof pipelineSettings>;
