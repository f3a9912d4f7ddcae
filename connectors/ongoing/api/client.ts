/**
 * A typed client of Ongoing WMS's Goods Owner REST API (`https://api.ongoingsystems.se/{warehouse}/api/v1`),
 * used by the Ongoing source connector and sink. It works against the real service or the local
 * simulator with nothing but the base URL and credentials changed.
 *
 * It is a thin, honest edge: one HTTP call per method, no retries (the runtime retries), and every
 * failure classified where it happens. Network errors and timeouts, 5xx and 429 are
 * TransientError (with `retryAfterMs` from `Retry-After`); any other 4xx is RejectedError with
 * Ongoing's own `Message`. The password only ever lives in a private Authorization header.
 */
import { RejectedError, TransientError } from '../../../runtime/errors.js';
import { setting } from '../../../runtime/config.js';

// ------------------------------------------------------------------------------------ settings

export const ongoingApiSettings = {
  baseUrl: setting.url('ONGOING_API_BASE_URL', {
    description: 'Ongoing REST base URL including /{warehouse}/api/v1 (the local simulator by default)',
    default: 'http://127.0.0.1:8090/demo/api/v1',
  }),
  username: setting.string('ONGOING_API_USERNAME', { description: 'Ongoing API user name', default: 'api' }),
  password: setting.string('ONGOING_API_PASSWORD', { description: 'Ongoing API user password (the simulator default when unset)', default: 'secret', secret: true }),
  goodsOwnerId: setting.int('ONGOING_GOODS_OWNER_ID', { description: 'Ongoing goods owner id the integration acts for', default: 1, min: 1 }),
  timeoutMs: setting.int('ONGOING_API_TIMEOUT_MS', { description: 'Timeout of one Ongoing API call in milliseconds', default: 30_000, min: 100 }),
};

export interface OngoingApiOptions {
  /** `https://api.ongoingsystems.se/{warehouse}/api/v1` or the simulator's baseUrl. */
  baseUrl: string;
  username: string;
  password: string;
  goodsOwnerId: number;
  /** Per call, including reading the body; default 30 s. */
  timeoutMs?: number;
}

// ------------------------------------------------------------------------------------ shared shapes

export interface OngoingCodeName {
  code: string;
  name?: string | null;
}

export interface OngoingStatus {
  number: number;
  text: string | null;
}

export interface OngoingGoodsOwnerRef {
  id: number;
  name: string | null;
}

export interface OngoingArticleRef {
  articleSystemId: number;
  articleNumber: string;
  articleName: string | null;
  productCode: string | null;
}

export interface OngoingWarehouse {
  id: number;
  code: string;
  name: string;
}

// ------------------------------------------------------------------------------------ articles

export interface OngoingArticlePut {
  articleNumber: string;
  articleName?: string;
  productCode?: string;
  unitCode?: string;
  description?: string;
  /** false for service items (no stock). */
  isStockArticle?: boolean;
  isActive?: boolean;
  barCodeInfo?: { barCode?: string; barCodePackage?: string; barCodePallet?: string };
  supplierInfo?: { supplierNumber?: string; supplierName?: string; supplierArticleNumber?: string };
  quantityPerPackage?: number;
  weight?: number;
  netWeight?: number;
  length?: number;
  width?: number;
  height?: number;
  volume?: number;
  purchasePrice?: number;
  customerPrice?: number;
  /** Spelled this way in Ongoing's API. */
  purcaseCurrencyCode?: string;
  countryOfOriginCode?: string;
  statisticsNumber?: string;
  articleGroup?: OngoingCodeName;
  articleCategory?: OngoingCodeName;
  stockLimit?: number;
  storageProperties?: { isSerialNumberArticle?: boolean; isBatchArticle?: boolean; isExpiryDateArticle?: boolean };
}

export interface OngoingInventoryInfo {
  numberOfItems: number;
  numberOfBookedItems: number;
  numberOfLockedItems: number;
  toReceiveNumberOfItems: number;
  allocatedNumberOfItems: number;
  lockedForSaleNumberOfItems: number;
  pickedToBeCollectedNumberOfItems: number;
  receivedToBeFinishedNumberOfItems: number;
  sellableNumberOfItems: number;
  lastInDate: string | null;
}

export interface OngoingArticle {
  goodsOwner?: OngoingGoodsOwnerRef;
  articleSystemId: number;
  articleNumber: string;
  articleName: string | null;
  productCode: string | null;
  unitCode: string | null;
  description: string | null;
  isStockArticle: boolean;
  isActive: boolean;
  articleDataLastUpdated?: string | null;
  barCodeInfo?: { barCode?: string | null; barCodePackage?: string | null; barCodePallet?: string | null } | null;
  weight?: number | null;
  inventoryInfo: OngoingInventoryInfo | null;
}

export interface ArticleFilters {
  articleNumber?: string;
  articleNumbers?: string[];
  articleSystemIdFrom?: number;
  maxArticlesToGet?: number;
  articleDataLastUpdatedFrom?: Date;
  /** Ongoing refuses values more than 24 hours back. */
  stockInfoChangedFrom?: Date;
  onlyArticlesInStock?: boolean;
  productCodes?: string[];
}

// ------------------------------------------------------------------------------------ orders

export interface OngoingNotification {
  toBeNotified: boolean;
  value?: string;
}

export interface OngoingAddress {
  name?: string;
  address1?: string;
  address2?: string;
  address3?: string;
  postCode?: string;
  city?: string;
  countryCode?: string;
  countryStateCode?: string;
}

export interface OngoingConsignee extends OngoingAddress {
  /** An unknown customerNumber creates a customer in Ongoing. */
  customerNumber?: string;
  doorCode?: string;
  invoiceAddress?: OngoingAddress;
}

export interface OngoingTransporterPut {
  transporterCode: string;
  transporterServiceCode?: string;
}

export interface OngoingOrderLinePut {
  /** Unique within the order. */
  rowNumber: string;
  articleNumber: string;
  numberOfItems: number;
  comment?: string;
  shouldBePicked?: boolean;
  serialNumber?: string;
  batchNumber?: string;
  prices?: { linePrice?: number; customerLinePrice?: number; currencyCode?: string; discountPercentage?: number };
  externalId?: string;
}

export interface OngoingOrderPut {
  orderNumber: string;
  /** ISO date or UTC date-time. */
  deliveryDate: string;
  consignee: OngoingConsignee;
  orderLines: OngoingOrderLinePut[];
  goodsOwnerOrderId?: string;
  referenceNumber?: string;
  consigneeOrderNumber?: string;
  orderRemark?: string;
  deliveryInstruction?: string;
  warehouseInstruction?: string;
  servicePointCode?: string;
  freeText1?: string;
  freeText2?: string;
  freeText3?: string;
  orderType?: OngoingCodeName;
  /** The client's own code, mapped to a transporter by warehouse staff. */
  wayOfDelivery?: OngoingCodeName;
  /** Sets the carrier directly; codes must exist in the transporter contracts. */
  transporter?: OngoingTransporterPut;
  returnTransporter?: OngoingTransporterPut;
  emailNotification?: OngoingNotification;
  smsNotification?: OngoingNotification;
  telephoneNotification?: OngoingNotification;
  warehouseId?: number;
}

export interface OngoingPickedArticleItem {
  articleItemId: number;
  numberOfItems: number;
  serial: string | null;
  batchNumber: string | null;
  location: string | null;
  pickedTime: string | null;
  isReturned: boolean;
  returnDate?: string | null;
  returnCause: OngoingCodeName | null;
}

export interface OngoingOrderLine {
  id: number;
  rowNumber: string;
  article: OngoingArticleRef;
  comment: string | null;
  orderedNumberOfItems: number;
  allocatedNumberOfItems: number;
  pickedNumberOfItems: number;
  packedNumberOfItems: number;
  /** null until first reported. */
  reportedNumberOfItems: number | null;
  returnedNumberOfItems: number;
  reportedReturnedNumberOfItems: number | null;
  pickedArticleItems: OngoingPickedArticleItem[];
  externalId?: string | null;
}

export interface OngoingOrderInfo {
  orderId: number;
  orderNumber: string;
  goodsOwnerOrderId: string | null;
  referenceNumber: string | null;
  orderStatus: OngoingStatus;
  wayOfDelivery: OngoingCodeName | null;
  deliveryDate: string | null;
  createdDate: string | null;
  shippedTime: string | null;
  wayBill: string | null;
  returnWayBill: string | null;
  orderedNumberOfItems: number;
  allocatedNumberOfItems: number;
  pickedNumberOfItems: number;
  servicePointCode?: string | null;
  orderRemark?: string | null;
}

export interface OngoingParcel {
  id: number;
  parcelNumber: string;
  isReturnParcel: boolean;
  tracking: { trackingUrl: string | null } | null;
}

export interface OngoingTracking {
  waybill: string | null;
  trackingUrl: string | null;
  created: string;
}

export interface OngoingOrderTransporter {
  transporterName: string | null;
  name: string | null;
  code: string | null;
  serviceCode: string | null;
}

export interface OngoingOrder {
  goodsOwner?: OngoingGoodsOwnerRef;
  orderInfo: OngoingOrderInfo;
  consignee: OngoingConsignee | null;
  orderLines: OngoingOrderLine[];
  parcels: OngoingParcel[];
  tracking: OngoingTracking[];
  transporter: OngoingOrderTransporter | null;
  returnTransporter?: OngoingOrderTransporter | null;
}

export interface OrderFilters {
  orderNumber?: string;
  orderNumbers?: string[];
  orderIdFrom?: number;
  maxOrdersToGet?: number;
  orderStatusFrom?: number;
  orderStatusTo?: number;
  orderStatusChangedTimeFrom?: Date;
  orderCreatedTimeFrom?: Date;
  orderCreatedTimeTo?: Date;
  shippedTimeFrom?: Date;
  shippedTimeTo?: Date;
  lastPickingTimeFrom?: Date;
  lastReturnedFrom?: Date;
  /** Lines whose reported quantity is below the picked quantity. */
  onlyOrdersWithOrderLinesToReport?: boolean;
  onlyOrdersWithOrderLinesToReportReturned?: boolean;
  articleNumbers?: string[];
}

export interface OngoingWayOfDeliveryType {
  id: number;
  code: string;
  name: string | null;
}

// ------------------------------------------------------------------------------------ purchase orders

export interface OngoingPurchaseOrderLinePut {
  rowNumber: string;
  articleNumber: string;
  numberOfItems: number;
  comment?: string;
  batchNumber?: string;
  expiryDate?: string;
}

export interface OngoingPurchaseOrderPut {
  purchaseOrderNumber: string;
  purchaseOrderLines: OngoingPurchaseOrderLinePut[];
  supplierOrderNumber?: string;
  goodsOwnerReference?: string;
  referenceNumber?: string;
  inDate?: string;
  supplierInfo?: { supplierNumber?: string; supplierName?: string };
  purchaseOrderType?: OngoingCodeName;
  advanced?: { advisedDate?: string; container?: string; purchaseOrderIsReturnType?: boolean };
}

export interface OngoingReceivedArticleItem {
  numberOfItems: number;
  inDate: string | null;
  serial: string | null;
  batchNumber: string | null;
  expiryDate: string | null;
  location: string | null;
}

export interface OngoingPurchaseOrderLine {
  id: number;
  rowNumber: string;
  article: OngoingArticleRef;
  advisedNumberOfItems: number;
  receivedNumberOfItems: number;
  reportedNumberOfItems: number | null;
  articleItems: OngoingReceivedArticleItem[];
}

export interface OngoingPurchaseOrder {
  goodsOwner?: OngoingGoodsOwnerRef;
  purchaseOrderInfo: {
    purchaseOrderId: number;
    purchaseOrderNumber: string;
    purchaseOrderStatus: OngoingStatus;
    inDate: string | null;
    supplierOrderNumber?: string | null;
    referenceNumber?: string | null;
  };
  purchaseOrderLines: OngoingPurchaseOrderLine[];
}

export interface PurchaseOrderFilters {
  purchaseOrderNumber?: string;
  purchaseOrderNumbers?: string[];
  purchaseOrderIdFrom?: number;
  maxPurchaseOrdersToGet?: number;
  purchaseOrderStatusFrom?: number;
  purchaseOrderStatusTo?: number;
  purchaseOrderStatusChangedTimeFrom?: Date;
  lastReceiveTimeFrom?: Date;
  lastReceiveTimeTo?: Date;
  /** Lines whose reported quantity differs from the received quantity. */
  onlyPurchaseOrdersWithOrderLinesToReport?: boolean;
}

// ------------------------------------------------------------------------------------ returns

export interface OngoingReturnOrderLinePut {
  returnOrderRowNumber: string;
  /** Ongoing's own order-line id (orderLines[].id), not the ERP row number. */
  customerOrderLine: { orderLineId: number };
  toBeReturnedNumberOfItems: number;
  returnCause?: OngoingCodeName;
}

export interface OngoingReturnOrderPut {
  returnOrderNumber: string;
  /** Ongoing's own orderId. */
  customerOrder: { orderId: number };
  returnOrderLines: OngoingReturnOrderLinePut[];
  comment?: string;
  inDate?: string;
  tracking?: { waybill?: string; trackingUrl?: string };
}

export interface OngoingReturnedArticleItem {
  numberOfItems: number;
  returnTime: string | null;
  returnCause: OngoingCodeName | null;
  returnComment?: string | null;
  isReturnRemovedByInventory: boolean;
}

export interface OngoingReturnOrderLine {
  returnOrderLineId: number;
  returnOrderRowNumber: string;
  customerOrderLine: { orderLineId: number; rowNumber?: string | null };
  article: OngoingArticleRef;
  returnCause: OngoingCodeName | null;
  toBeReturnedNumberOfItems: number;
  returnedNumberOfItems: number;
  returnedArticleItems: OngoingReturnedArticleItem[];
}

export interface OngoingReturnOrder {
  returnOrderInfo: { returnOrderId: number; returnOrderNumber: string; returnOrderStatus: OngoingStatus; comment: string | null; inDate: string | null };
  customerOrderInfo: { orderId: number; orderNumber: string | null };
  returnOrderLines: OngoingReturnOrderLine[];
}

export interface ReturnOrderFilters {
  returnOrderNumbers?: string[];
  customerOrderNumbers?: string[];
  goodsReturnedFromDate?: Date;
  returnOrderStatusFrom?: number;
  returnOrderStatusTo?: number;
}

// ------------------------------------------------------------------------------------ inventory adjustments

export interface OngoingInventoryAdjustment {
  inventoryId: number;
  /** Signed change (−2 = two units gone). */
  numberOfItems: number;
  inventoryTime: string;
  inventoryItemComment: string | null;
  inventoryAdjustmentCause: OngoingCodeName | null;
  location: string | null;
  batchNumber: string | null;
  serial: string | null;
  expiryDate: string | null;
  warehouse: OngoingWarehouse | null;
}

export interface OngoingInventoryAdjustmentsLine {
  article: OngoingArticleRef;
  inventoryAdjustments: OngoingInventoryAdjustment[];
}

export interface InventoryAdjustmentFilters {
  from?: Date;
  toTime?: Date;
  isReported?: boolean;
}

export interface OngoingSetReportedReply {
  message: string | null;
  items: { inventoryArticleItemId: number; articleItemId: number }[];
}

export interface OngoingTransporterContract {
  ediCode: string | null;
  transporterName: string;
  transporterCode: string;
  transporterServiceCode: string | null;
  transporterServices: { transporterServiceName: string; transporterServiceCode: string }[];
}

// ------------------------------------------------------------------------------------ errors

/** Milliseconds from a `Retry-After` header: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** Ongoing's error text: ASP.NET `{"Message": …}` plus any ModelState details, else the raw body. */
function errorText(text: string): string {
  try {
    const body = JSON.parse(text) as { Message?: unknown; message?: unknown; ModelState?: Record<string, unknown> };
    const message = typeof body.Message === 'string' ? body.Message : typeof body.message === 'string' ? body.message : undefined;
    if (message) {
      const details = body.ModelState && typeof body.ModelState === 'object' ? Object.values(body.ModelState).flat().filter((d) => typeof d === 'string' && !message.includes(d)) : [];
      return details.length ? `${message} (${details.join('; ')})` : message;
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.length > 300 ? `${text.slice(0, 300)}…` : text || '(empty body)';
}

function reasonFor(status: number): string {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  return 'rejected';
}

function describeNetworkError(e: unknown): string {
  const err = e as { message?: string; cause?: { code?: string; message?: string } };
  const code = err.cause?.code;
  const detail = err.cause?.message ?? err.message ?? String(e);
  return code && !detail.includes(code) ? `${code}: ${detail}` : detail;
}

// ------------------------------------------------------------------------------------ client

type QueryValue = string | number | boolean | Date | string[] | undefined;

export class OngoingApi {
  readonly goodsOwnerId: number;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  readonly #authorization: string;

  constructor(options: OngoingApiOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.goodsOwnerId = options.goodsOwnerId;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.#authorization = `Basic ${Buffer.from(`${options.username}:${options.password}`, 'utf8').toString('base64')}`;
  }

  private url(path: string, query: Record<string, QueryValue> = {}): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined) continue;
      // Arrays go as repeated keys; Ongoing reads a comma list as one value and matches nothing.
      if (Array.isArray(value)) for (const v of value) params.append(key, v);
      else params.append(key, value instanceof Date ? value.toISOString() : String(value));
    }
    const qs = params.toString();
    return `${this.baseUrl}${path}${qs ? `?${qs}` : ''}`;
  }

  private async call<T>(method: string, path: string, options: { query?: Record<string, QueryValue>; body?: unknown } = {}): Promise<{ status: number; data: T }> {
    const what = `Ongoing ${method} ${path}`;
    const headers: Record<string, string> = { authorization: this.#authorization, accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      const res = await fetch(this.url(path, options.query), {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = res.status;
      retryAfter = res.headers.get('retry-after');
      text = await res.text();
    } catch (e) {
      const name = (e as { name?: string }).name;
      if (name === 'TimeoutError' || name === 'AbortError') throw new TransientError(`${what} timed out after ${this.timeoutMs} ms`, { cause: e });
      throw new TransientError(`${what} failed: ${describeNetworkError(e)}`, { cause: e });
    }
    if (status === 429 || status === 408 || status >= 500) {
      const retryAfterMs = parseRetryAfter(retryAfter);
      throw new TransientError(`${what} answered ${status}: ${errorText(text)}`, retryAfterMs === undefined ? {} : { retryAfterMs });
    }
    if (status >= 400) throw new RejectedError(`${what} answered ${status}: ${errorText(text)}`, status, reasonFor(status));
    if (status < 200 || status >= 300) throw new TransientError(`${what} answered unexpected status ${status}`);
    if (!text.trim()) return { status, data: undefined as T };
    try {
      return { status, data: JSON.parse(text) as T };
    } catch (e) {
      // A garbled success body is most likely a proxy or a cut connection; the writes are upserts, so retrying is safe.
      throw new TransientError(`${what} answered ${status} with a body that is not JSON`, { cause: e });
    }
  }

  private async get<T>(path: string, query: Record<string, QueryValue> = {}): Promise<T> {
    return (await this.call<T>('GET', path, { query })).data;
  }

  private withGoodsOwner(query: object): Record<string, QueryValue> {
    return { goodsOwnerId: this.goodsOwnerId, ...(query as Record<string, QueryValue>) };
  }

  /** Walks an id cursor: `from` is inclusive, the next page starts after the highest id seen. */
  private async *pages<T>(fetchPage: (from: number | undefined, max: number) => Promise<T[]>, idOf: (item: T) => number, pageSize: number, from?: number): AsyncGenerator<T[]> {
    let cursor = from;
    for (;;) {
      const page = await fetchPage(cursor, pageSize);
      if (page.length > 0) yield page;
      if (page.length < pageSize) return;
      cursor = Math.max(...page.map(idOf)) + 1;
    }
  }

  private async collect<T>(pages: AsyncGenerator<T[]>): Promise<T[]> {
    const all: T[] = [];
    for await (const page of pages) all.push(...page);
    return all;
  }

  // -------------------------------------------------------------------------------- articles

  async upsertArticle(article: OngoingArticlePut): Promise<{ articleSystemId: number; message: string }> {
    return (await this.call<{ articleSystemId: number; message: string }>('PUT', '/articles', { body: { ...article, goodsOwnerId: this.goodsOwnerId } })).data;
  }

  getArticle(articleSystemId: number): Promise<OngoingArticle> {
    return this.get(`/articles/${articleSystemId}`);
  }

  /** One request; page yourself with articleSystemIdFrom/maxArticlesToGet, or use articlePages. */
  getArticles(filters: ArticleFilters = {}): Promise<OngoingArticle[]> {
    return this.get('/articles', this.withGoodsOwner(filters));
  }

  articlePages(filters: Omit<ArticleFilters, 'maxArticlesToGet'> = {}, pageSize = 200): AsyncGenerator<OngoingArticle[]> {
    const { articleSystemIdFrom, ...rest } = filters;
    return this.pages((from, max) => this.getArticles({ ...rest, articleSystemIdFrom: from, maxArticlesToGet: max }), (a) => a.articleSystemId, pageSize, articleSystemIdFrom);
  }

  getAllArticles(filters: Omit<ArticleFilters, 'maxArticlesToGet'> = {}, pageSize = 200): Promise<OngoingArticle[]> {
    return this.collect(this.articlePages(filters, pageSize));
  }

  // -------------------------------------------------------------------------------- purchase orders

  async upsertPurchaseOrder(po: OngoingPurchaseOrderPut): Promise<{ purchaseOrderId: number; message: string }> {
    return (await this.call<{ purchaseOrderId: number; message: string }>('PUT', '/purchaseOrders', { body: { ...po, goodsOwnerId: this.goodsOwnerId } })).data;
  }

  getPurchaseOrder(purchaseOrderId: number): Promise<OngoingPurchaseOrder> {
    return this.get(`/purchaseOrders/${purchaseOrderId}`);
  }

  getPurchaseOrders(filters: PurchaseOrderFilters = {}): Promise<OngoingPurchaseOrder[]> {
    return this.get('/purchaseOrders', this.withGoodsOwner(filters));
  }

  purchaseOrderPages(filters: Omit<PurchaseOrderFilters, 'maxPurchaseOrdersToGet'> = {}, pageSize = 100): AsyncGenerator<OngoingPurchaseOrder[]> {
    const { purchaseOrderIdFrom, ...rest } = filters;
    return this.pages(
      (from, max) => this.getPurchaseOrders({ ...rest, purchaseOrderIdFrom: from, maxPurchaseOrdersToGet: max }),
      (p) => p.purchaseOrderInfo.purchaseOrderId,
      pageSize,
      purchaseOrderIdFrom,
    );
  }

  getAllPurchaseOrders(filters: Omit<PurchaseOrderFilters, 'maxPurchaseOrdersToGet'> = {}, pageSize = 100): Promise<OngoingPurchaseOrder[]> {
    return this.collect(this.purchaseOrderPages(filters, pageSize));
  }

  async setPurchaseOrderReportedToReceived(purchaseOrderId: number): Promise<{ purchaseOrderId: number; message: string }> {
    return (await this.call<{ purchaseOrderId: number; message: string }>('PATCH', `/purchaseOrders/${purchaseOrderId}/setReportedNumberOfItemsToReceivedNumberOfItems`)).data;
  }

  async setPurchaseOrderLineReported(purchaseOrderId: number, lineId: number, reportedNumberOfItems: number): Promise<{ purchaseOrderId: number; message: string }> {
    return (await this.call<{ purchaseOrderId: number; message: string }>('PATCH', `/purchaseOrders/${purchaseOrderId}/lines/${lineId}/reportedNumberOfItems`, { body: { reportedNumberOfItems } })).data;
  }

  /** Cancels; Ongoing refuses once receiving has started. */
  async cancelPurchaseOrder(purchaseOrderId: number): Promise<{ purchaseOrderId: number; message: string }> {
    return (await this.call<{ purchaseOrderId: number; message: string }>('DELETE', `/purchaseOrders/${purchaseOrderId}`)).data;
  }

  // -------------------------------------------------------------------------------- orders

  /** Upsert by orderNumber; `created` is true when Ongoing answered 201. */
  async upsertOrder(order: OngoingOrderPut): Promise<{ orderId: number; created: boolean; message: string }> {
    const { status, data } = await this.call<{ orderId: number; message: string }>('PUT', '/orders', { body: { ...order, goodsOwnerId: this.goodsOwnerId } });
    return { orderId: data.orderId, created: status === 201, message: data.message };
  }

  getOrder(orderId: number): Promise<OngoingOrder> {
    return this.get(`/orders/${orderId}`);
  }

  getOrders(filters: OrderFilters = {}): Promise<OngoingOrder[]> {
    return this.get('/orders', this.withGoodsOwner(filters));
  }

  orderPages(filters: Omit<OrderFilters, 'maxOrdersToGet'> = {}, pageSize = 100): AsyncGenerator<OngoingOrder[]> {
    const { orderIdFrom, ...rest } = filters;
    return this.pages((from, max) => this.getOrders({ ...rest, orderIdFrom: from, maxOrdersToGet: max }), (o) => o.orderInfo.orderId, pageSize, orderIdFrom);
  }

  getAllOrders(filters: Omit<OrderFilters, 'maxOrdersToGet'> = {}, pageSize = 100): Promise<OngoingOrder[]> {
    return this.collect(this.orderPages(filters, pageSize));
  }

  /** Cancels; Ongoing refuses once the warehouse has started work. */
  async cancelOrder(orderId: number): Promise<{ orderId: number; message: string }> {
    return (await this.call<{ orderId: number; message: string }>('DELETE', `/orders/${orderId}`)).data;
  }

  async setOrderReportedToPicked(orderId: number): Promise<{ orderId: number; message: string }> {
    return (await this.call<{ orderId: number; message: string }>('PATCH', `/orders/${orderId}/setReportedNumberOfItemsToPickedNumberOfItems`)).data;
  }

  async setOrderLineReported(orderId: number, orderLineId: number, reportedNumberOfItems: number): Promise<{ orderId: number; message: string }> {
    return (await this.call<{ orderId: number; message: string }>('PATCH', `/orders/${orderId}/lines/${orderLineId}/reportedNumberOfItems`, { body: { reportedNumberOfItems } })).data;
  }

  async setOrderReportedReturnedToReturned(orderId: number): Promise<{ orderId: number; message: string }> {
    return (await this.call<{ orderId: number; message: string }>('PATCH', `/orders/${orderId}/setReportedReturnedNumberOfItemsToReturnedNumberOfItems`)).data;
  }

  async setOrderTransporter(orderId: number, transporter: OngoingTransporterPut): Promise<{ orderId: number; message: string }> {
    return (await this.call<{ orderId: number; message: string }>('PATCH', `/orders/${orderId}/transporter`, { body: transporter })).data;
  }

  async getOrderStatuses(): Promise<OngoingStatus[]> {
    return (await this.get<{ orderStatuses: OngoingStatus[] | null }>('/orders/statuses')).orderStatuses ?? [];
  }

  async getWaysOfDelivery(): Promise<OngoingWayOfDeliveryType[]> {
    return (await this.get<{ wayOfDeliveryTypes: OngoingWayOfDeliveryType[] | null }>('/orders/wayOfDeliveryTypes', { goodsOwnerId: this.goodsOwnerId })).wayOfDeliveryTypes ?? [];
  }

  // -------------------------------------------------------------------------------- returns

  async upsertReturnOrder(returnOrder: OngoingReturnOrderPut): Promise<{ returnOrderId: number; message: string }> {
    return (await this.call<{ returnOrderId: number; message: string }>('PUT', '/returnOrders', { body: { ...returnOrder, goodsOwnerId: this.goodsOwnerId } })).data;
  }

  getReturnOrder(returnOrderId: number): Promise<OngoingReturnOrder> {
    return this.get(`/returnOrders/${returnOrderId}`);
  }

  /** No cursor in Ongoing's API: narrow by numbers, dates or status. */
  getReturnOrders(filters: ReturnOrderFilters = {}): Promise<OngoingReturnOrder[]> {
    return this.get('/returnOrders', this.withGoodsOwner(filters));
  }

  async getReturnOrderStatuses(): Promise<OngoingStatus[]> {
    return (await this.get<{ returnOrderStatuses: OngoingStatus[] | null }>('/returnOrders/statuses')).returnOrderStatuses ?? [];
  }

  // -------------------------------------------------------------------------------- inventory and reference data

  getInventoryAdjustments(filters: InventoryAdjustmentFilters = {}): Promise<OngoingInventoryAdjustmentsLine[]> {
    return this.get('/inventoryAdjustments', this.withGoodsOwner(filters));
  }

  async setInventoryAdjustmentReported(inventoryId: number, articleSystemId: number): Promise<OngoingSetReportedReply> {
    return (await this.call<OngoingSetReportedReply>('PATCH', `/inventoryAdjustments/${inventoryId}/articles/${articleSystemId}/setReported`)).data;
  }

  getTransporterContracts(): Promise<OngoingTransporterContract[]> {
    return this.get('/transporterContracts', { goodsOwnerId: this.goodsOwnerId });
  }

  async getPurchaseOrderStatuses(): Promise<OngoingStatus[]> {
    // Ongoing's purchase-order statuses model names its list `orderStatuses`.
    return (await this.get<{ orderStatuses: OngoingStatus[] | null }>('/purchaseOrders/statuses')).orderStatuses ?? [];
  }

  getWarehouses(): Promise<OngoingWarehouse[]> {
    return this.get('/warehouses');
  }
}
