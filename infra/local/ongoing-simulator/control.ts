/**
 * A typed client of the simulator's control path (`/{warehouse}/sim/...`), which the real Ongoing
 * API does not have: it plays the warehouse staff (receive, allocate, pick, ship, take back
 * returns, adjust stock), seeds code lists, injects faults and dumps state. Used by tests, the
 * demo and load generators.
 */
import type { FaultSettings } from './faults.js';
import type { SeedData } from './reference-data.js';
import type { WriteStats } from './write-gate.js';

export interface CodeName {
  code: string;
  name: string;
}

/** A record is named by Ongoing id, or by number within a goods owner (default: the first one). */
export interface OrderRef {
  orderId?: number;
  orderNumber?: string;
  goodsOwnerId?: number;
}
export interface PurchaseOrderRef {
  purchaseOrderId?: number;
  purchaseOrderNumber?: string;
  goodsOwnerId?: number;
}
export interface ReturnOrderRef {
  returnOrderId?: number;
  returnOrderNumber?: string;
  goodsOwnerId?: number;
}

export interface ReceiveLine {
  purchaseOrderLineId?: number;
  rowNumber?: string;
  /** A row the purchase order does not have (another article, one more row): added to it, advised 0. */
  articleNumber?: string;
  numberOfItems: number;
  batchNumber?: string;
  serial?: string;
  expiryDate?: string;
  location?: string;
  comment?: string;
}

/** A receiving error found in the warehouse: the line's received quantity is set to what was really counted. */
export interface ReceivedCorrection {
  purchaseOrderLineId?: number;
  rowNumber?: string;
  /** The line's corrected total received quantity (not a change). */
  receivedNumberOfItems: number;
  comment?: string;
}

export interface HandMadePurchaseOrder {
  goodsOwnerId?: number;
  purchaseOrderNumber: string;
  lines: { rowNumber: string; articleNumber: string; numberOfItems: number }[];
  /** Marked as a return, as a warehouse user may. */
  isReturn?: boolean;
}

export interface OrderLineQuantity {
  orderLineId?: number;
  rowNumber?: string;
  numberOfItems: number;
}

export interface PickLine extends OrderLineQuantity {
  /** Units the picker did not find: booked as a negative inventory adjustment (cause PICKDIFF). */
  missingNumberOfItems?: number;
  location?: string;
  batchNumber?: string;
  serial?: string;
}

export interface ShipOptions {
  waybill?: string;
  trackingUrl?: string;
  /** Number of parcels (default 1). */
  parcels?: number;
}

export interface ReturnLine extends OrderLineQuantity {
  returnCause?: CodeName;
  comment?: string;
}

export interface ReceiveReturnLine {
  returnOrderLineId?: number;
  returnOrderRowNumber?: string;
  numberOfItems: number;
  returnCause?: CodeName;
  comment?: string;
}

/** A return order the warehouse registers itself against an outbound order, received at once. */
export interface RegisterReturnRequest {
  /** Default RO-<order number>-<n>. */
  returnOrderNumber?: string;
  comment?: string;
  lines: ReturnLine[];
}

export interface StockAdjustment {
  articleSystemId?: number;
  articleNumber?: string;
  /** Signed change. */
  numberOfItems: number;
  cause?: CodeName;
  comment?: string;
  location?: string;
}

export interface AdjustStockRequest {
  goodsOwnerId?: number;
  /** Add the items to this inventory, still open (reported or not): they are new, unreported items of it. */
  inventoryId?: number;
  adjustments: StockAdjustment[];
  /** false changes stock without an inventory adjustment record (initial stock for a demo). */
  recordAdjustment?: boolean;
}

export interface FaultState extends FaultSettings {
  /** How much longer connections are refused. */
  refusingConnectionsForMs: number;
  /** How much longer every API request is answered 401. */
  unauthorizedForMs: number;
}

export interface FaultUpdate extends Partial<FaultSettings> {
  /** Close the listener and drop every connection for this long, then accept again. */
  refuseConnectionsForMs?: number;
  /** Answer every API request 401 `{"Message":"Authorization has been denied for this request."}` for this long (0 ends it). */
  unauthorizedForMs?: number;
}

export interface SimulatorState {
  warehouse: string;
  goodsOwners: { id: number; name: string }[];
  counts: Record<string, number>;
  writeStats: WriteStats;
  writesPerSecond: number;
  faults: FaultState;
  articles: unknown[];
  orders: unknown[];
  purchaseOrders: unknown[];
  returnOrders: unknown[];
  inventoryAdjustments: unknown[];
}

/** Ongoing GET shapes are returned as loose JSON; the API client (connectors/ongoing-api.ts) has the types. */
export type Json = Record<string, any>;

export class SimulatorControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'SimulatorControlError';
  }
}

export class SimulatorControl {
  /** `controlUrl` as returned by startOngoingSimulator, e.g. http://127.0.0.1:8090/demo/sim */
  constructor(readonly controlUrl: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.controlUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : undefined;
    if (!res.ok)
      throw new SimulatorControlError(
        res.status,
        `simulator control ${method} ${path} answered ${res.status}: ${parsed?.Message ?? text}`,
      );
    return parsed as T;
  }

  health(): Promise<{ ok: boolean }> {
    return this.call('GET', '/health');
  }
  state(goodsOwnerId?: number): Promise<SimulatorState> {
    return this.call('GET', goodsOwnerId === undefined ? '/state' : `/state?goodsOwnerId=${goodsOwnerId}`);
  }
  /** Wipes articles, orders, purchase orders, returns and adjustments; re-seeds code lists; clears faults. */
  reset(): Promise<{ message: string }> {
    return this.call('POST', '/reset');
  }
  /** Each list given replaces that code list; an empty call restores every default list. */
  seed(data: SeedData = {}): Promise<{ message: string }> {
    return this.call('POST', '/seed', data);
  }

  faults(): Promise<FaultState> {
    return this.call('GET', '/faults');
  }
  setFaults(update: FaultUpdate): Promise<FaultState> {
    return this.call('PUT', '/faults', update);
  }
  clearFaults(): Promise<FaultState> {
    return this.call('DELETE', '/faults');
  }
  /** Refuses connections for `ms` (the control path too, as it shares the port); resolves before that starts. */
  refuseConnections(ms: number): Promise<FaultState> {
    return this.setFaults({ refuseConnectionsForMs: ms });
  }
  /** Writes per second per goods owner before 429; 0 = unlimited. */
  setRateLimit(writesPerSecond: number): Promise<{ writesPerSecond: number }> {
    return this.call('PUT', '/rate-limit', { writesPerSecond });
  }

  /** A purchase order a warehouse user creates by hand (not through the API): nothing of it comes from the ERP. */
  createPurchaseOrderByHand(order: HandMadePurchaseOrder): Promise<Json> {
    return this.call('POST', '/purchaseOrders/createByHand', order);
  }
  /** A warehouse user gives a purchase order another number in the UI (the old number is free again). */
  renumberPurchaseOrder(ref: PurchaseOrderRef, newPurchaseOrderNumber: string): Promise<Json> {
    return this.call('POST', '/purchaseOrders/renumber', { ...ref, newPurchaseOrderNumber });
  }
  receivePurchaseOrder(ref: PurchaseOrderRef, lines?: ReceiveLine[]): Promise<Json> {
    return this.call('POST', '/purchaseOrders/receive', { ...ref, lines });
  }
  /** Corrects received quantities (a miscount found later): stock follows the difference, nothing is reported. */
  setReceivedQuantity(ref: PurchaseOrderRef, lines: ReceivedCorrection[]): Promise<Json> {
    return this.call('POST', '/purchaseOrders/setReceived', { ...ref, lines });
  }
  /** Every API request is answered 401 for `ms`, then credentials are accepted again. */
  denyAuthorization(ms: number): Promise<FaultState> {
    return this.setFaults({ unauthorizedForMs: ms });
  }
  allocateOrder(ref: OrderRef, lines?: OrderLineQuantity[]): Promise<Json> {
    return this.call('POST', '/orders/allocate', { ...ref, lines });
  }
  pickOrder(ref: OrderRef, lines?: PickLine[]): Promise<Json> {
    return this.call('POST', '/orders/pick', { ...ref, lines });
  }
  /** Packs and sends (450 Sent) with waybill, tracking and parcels; picks everything first if nothing was picked. */
  shipOrder(ref: OrderRef, options: ShipOptions = {}): Promise<Json> {
    return this.call('POST', '/orders/ship', { ...ref, ...options });
  }
  /** Pick everything, then ship. */
  async fulfilOrder(ref: OrderRef, options: ShipOptions = {}): Promise<Json> {
    await this.pickOrder(ref);
    return this.shipOrder(ref, options);
  }
  setOrderStatus(ref: OrderRef, orderStatusNumber: number): Promise<Json> {
    return this.call('POST', '/orders/status', { ...ref, orderStatusNumber });
  }
  /** Goods come back against the outbound order itself (no return order announced). */
  returnOrderGoods(ref: OrderRef, lines?: ReturnLine[]): Promise<Json> {
    return this.call('POST', '/orders/return', { ...ref, lines });
  }
  /** Goods come back against an announced return order (and so against its customer order lines). */
  receiveReturnOrder(ref: ReturnOrderRef, lines?: ReceiveReturnLine[]): Promise<Json> {
    return this.call('POST', '/returnOrders/receive', { ...ref, lines });
  }
  /**
   * Ongoing's other partial delivery: the order is closed at what was sent and its rest becomes a
   * back order, a new order naming the original (`advanced.backOrderInfo.backOrderForOrderId`).
   * Answers the back order.
   */
  splitBackOrder(ref: OrderRef, backOrderNumber?: string): Promise<Json> {
    return this.call('POST', '/orders/backOrder', { ...ref, ...(backOrderNumber ? { backOrderNumber } : {}) });
  }
  /** A return the warehouse registers itself: a return order against the outbound order, received at once. Answers the return order. */
  registerReturnOrder(ref: OrderRef, request: RegisterReturnRequest): Promise<Json> {
    return this.call('POST', '/returnOrders/register', { ...ref, ...request });
  }
  adjustStock(request: AdjustStockRequest): Promise<{ inventoryId: number; inventoryArticleItemIds: number[] }> {
    return this.call('POST', '/inventory/adjust', request);
  }
}
