/**
 * What each flow may have in flight between Ongoing and Multicase, one contributor per flow. A
 * contributor compares documents in the two systems, never Kafka: what Ongoing has done per
 * document and article (read from Ongoing's API, paged), and what Multicase has booked for the same
 * documents (read inside the reconciliation's database snapshot). Both as signed stock changes.
 * Adding or changing a flow's accounting is one entry in IN_FLIGHT_CONTRIBUTORS.
 */
import type {
  OngoingApi,
  OngoingInventoryAdjustmentsLine,
  OngoingOrder,
  OngoingPurchaseOrder,
} from '../../connectors/ongoing/api/client.js';
import type { MulticaseTransaction } from '../../connectors/multicase/adapter/commands.js';
import {
  adjustmentsHandled,
  receivedOnPurchaseOrders,
  receivedOnWarehousePurchaseOrders,
  returnsBooked,
} from '../../connectors/multicase/adapter/reconciliation.js';
import { returnedOnOrders, shippedOnOrders } from '../../connectors/multicase/adapter/reconciliation-orders.js';
import { isReturnReceipt } from '../../connectors/ongoing/return-receipts.js';
import { adjustmentReference } from '../../processors/inventory-adjustment-to-stock.js';
import type { DocumentQuantity } from './reconcile-diff.js';

/** Ongoing reads shared by the contributors, each made once per pass. */
export class OngoingReads {
  #purchaseOrders: Promise<OngoingPurchaseOrder[]> | undefined;
  #orders: Promise<OngoingOrder[]> | undefined;

  constructor(
    readonly api: OngoingApi,
    readonly now: number,
  ) {}

  purchaseOrders(): Promise<OngoingPurchaseOrder[]> {
    return (this.#purchaseOrders ??= this.api.getAllPurchaseOrders());
  }

  orders(): Promise<OngoingOrder[]> {
    return (this.#orders ??= this.api.getAllOrders());
  }
}

export interface InFlightContributor {
  /** Names the flow in the output, e.g. "goods receipt (flow 3)". */
  flow: string;
  /** A document booked at all in Multicase is settled; see inFlightOf. */
  settledOnceBooked?: boolean;
  /** What Ongoing has done, per document and article. */
  ongoing(reads: OngoingReads): Promise<DocumentQuantity[]>;
  /** What Multicase has booked for these documents (those `ongoing` named) in the warehouse Ongoing runs. */
  multicase(trx: MulticaseTransaction, warehouse: string, documents: string[]): Promise<DocumentQuantity[]>;
}

function receivedPerLine(pos: OngoingPurchaseOrder[]): DocumentQuantity[] {
  return pos.flatMap((po) =>
    (po.purchaseOrderLines ?? [])
      .filter((l) => l.article?.articleNumber && l.receivedNumberOfItems)
      .map((l) => ({
        document: String(po.purchaseOrderInfo.purchaseOrderNumber ?? ''),
        article: l.article!.articleNumber,
        quantity: Number(l.receivedNumberOfItems),
      })),
  );
}

/**
 * Flow 3: received in Ongoing on a purchase order, less what the integration accounted for of it
 * (the fact ledger; before it, Multicase's quantity received on the order's lines). Purchase orders
 * the integration did not create count too: their receipts are booked as unplanned receipts.
 */
export const goodsReceipts: InFlightContributor = {
  flow: 'goods receipt (flow 3)',
  async ongoing(reads) {
    return receivedPerLine((await reads.purchaseOrders()).filter((po) => !isReturnReceipt(po)));
  },
  multicase: (trx, warehouse, documents) =>
    receivedOnWarehousePurchaseOrders(trx, warehouse, documents, (rest) =>
      receivedOnPurchaseOrders(trx, warehouse, rest),
    ),
};

/**
 * Flow 6: picked in Ongoing (stock leaves at the pick), less what Multicase booked as shipped on
 * that Ongoing order (the fact ledger; before it, what the picking list of the same number
 * delivered): our orders, back orders the warehouse made of them and orders the pipeline did not
 * create alike. A picked order not yet sent is in flight too: Multicase books the shipment only
 * once Ongoing reports it sent.
 */
export const shipments: InFlightContributor = {
  flow: 'shipment (flow 6)',
  async ongoing(reads) {
    return (await reads.orders()).flatMap((o) =>
      o.orderLines
        .filter((l) => l.pickedNumberOfItems > 0)
        .map((l) => ({
          document: o.orderInfo.orderNumber,
          article: l.article.articleNumber,
          quantity: -l.pickedNumberOfItems,
        })),
    );
  },
  async multicase(trx, warehouse, documents) {
    const shipped = await shippedOnOrders(trx, warehouse, documents);
    return shipped.map((d) => ({ ...d, quantity: -d.quantity }));
  },
};

/**
 * Flow 7, the warehouse's side: returned in Ongoing on an outbound order's lines (registered on the
 * order, or on a return order made against it), less what Multicase booked of it (the fact ledger).
 */
export const warehouseReturns: InFlightContributor = {
  flow: 'return taken back by the warehouse (flow 7)',
  async ongoing(reads) {
    return (await reads.orders()).flatMap((o) =>
      o.orderLines
        .filter((l) => l.returnedNumberOfItems > 0)
        .map((l) => ({
          document: o.orderInfo.orderNumber,
          article: l.article.articleNumber,
          quantity: l.returnedNumberOfItems,
        })),
    );
  },
  multicase: returnedOnOrders,
};

/** Reported adjustments older than this are taken as booked: if Multicase lacks one, that is drift. */
export const ADJUSTMENT_LOOKBACK_MS = 24 * 60 * 60 * 1000;

function adjustmentQuantities(lines: OngoingInventoryAdjustmentsLine[]): DocumentQuantity[] {
  const seen = new Map<string, DocumentQuantity>();
  for (const line of lines) {
    for (const a of line.inventoryAdjustments) {
      const document = adjustmentReference(a.inventoryId, line.article.articleSystemId);
      const d = seen.get(document) ?? { document, article: line.article.articleNumber, quantity: 0 };
      d.quantity += a.numberOfItems;
      seen.set(document, d);
    }
  }
  return [...seen.values()];
}

/**
 * Flow 8: stock changes made in Ongoing, less what Multicase accounted for under their reference
 * (processors/inventory-adjustment-to-stock.ts names them): booked, or raised as an exception, whose
 * unbooked stock the open exceptions explain apart. Unreported ones are all read, and reported ones
 * of the last day (Ongoing has no cursor here, only a time window).
 */
export const inventoryAdjustments: InFlightContributor = {
  flow: 'inventory adjustment (flow 8)',
  async ongoing(reads) {
    const recent = await reads.api.getInventoryAdjustments({
      from: new Date(reads.now - ADJUSTMENT_LOOKBACK_MS),
      toTime: new Date(reads.now + 60_000),
    });
    const unreported = await reads.api.getInventoryAdjustments({ isReported: false });
    const byDocument = new Map(
      [...adjustmentQuantities(unreported), ...adjustmentQuantities(recent)].map((d) => [d.document, d]),
    );
    return [...byDocument.values()];
  },
  multicase: adjustmentsHandled,
};

/**
 * Flow 7: returns received in Ongoing as return-marked purchase orders (numbered by the Multicase
 * return with its prefix), less what the integration accounted for of them (the fact ledger; before
 * it, the stock Multicase booked for the return: returnsBooked).
 */
export const returns: InFlightContributor = {
  flow: 'return (flow 7)',
  async ongoing(reads) {
    return receivedPerLine((await reads.purchaseOrders()).filter(isReturnReceipt));
  },
  multicase: (trx, warehouse, documents) =>
    receivedOnWarehousePurchaseOrders(trx, warehouse, documents, (rest) => returnsBooked(trx, warehouse, rest)),
};

export const IN_FLIGHT_CONTRIBUTORS: readonly InFlightContributor[] = [
  goodsReceipts,
  shipments,
  returns,
  inventoryAdjustments,
  warehouseReturns,
];
