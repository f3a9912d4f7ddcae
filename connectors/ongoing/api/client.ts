/**
 * A typed client of Ongoing WMS's Goods Owner REST API (`https://api.ongoingsystems.se/{warehouse}/api/v1`),
 * used by the Ongoing source connector and sink. It works against the real service or the local
 * simulator with nothing but the base URL and credentials changed.
 *
 * It is a thin, honest edge: one HTTP call per method, no retries (the runtime retries), and every
 * failure classified where it happens. Network errors and timeouts, 5xx and 429 are
 * TransientError (with `retryAfterMs` from `Retry-After`); 401, 403 and a 404 for an endpoint
 * (not for one record) are ConfigurationFault, which pauses the stage; any other 4xx is
 * RejectedError with Ongoing's own `Message`. The password only ever lives in a private Authorization header.
 *
 * This file is the package's entry point: the wire types (./types/) and parseRetryAfter are
 * re-exported here, so importers need only this path.
 */
import { ConfigurationFault, RejectedError, TransientError } from '../../../runtime/errors.js';
import { warnIfPlainHttpToRemoteHost } from '../../../runtime/http-security.js';
import { describeNetworkError, errorText, parseRetryAfter, reasonFor } from './errors.js';
import { collect, pages } from './paging.js';
import { ongoingRequests } from './request-metrics.js';
import type { OngoingApiOptions } from './options.js';
import { writeQueueFor, type SerialQueue } from './serial-queue.js';
import type { ArticleFilters, OngoingArticle, OngoingArticlePut } from './types/articles.js';
import type { OngoingSetReportedReply, OngoingStatus, OngoingTransporterContract } from './types/common.js';
import type { InventoryAdjustmentFilters, OngoingInventoryAdjustmentsLine } from './types/inventory-adjustments.js';
import type { OngoingOrder, OngoingOrderPut, OngoingWayOfDeliveryType, OrderFilters } from './types/orders.js';
import type { OngoingPurchaseOrder, OngoingPurchaseOrderPut, PurchaseOrderFilters } from './types/purchase-orders.js';
import type { OngoingReturnOrder, ReturnOrderFilters } from './types/returns.js';

export type * from './types/common.js';
export type * from './types/articles.js';
export type * from './types/orders.js';
export type * from './types/purchase-orders.js';
export type * from './types/returns.js';
export type * from './types/inventory-adjustments.js';
export { parseRetryAfter } from './errors.js';

// ------------------------------------------------------------------------------------ settings

export { ongoingApiSettings, ongoingPassword, type OngoingApiOptions } from './options.js';

// ------------------------------------------------------------------------------------ client

type QueryValue = string | number | boolean | Date | string[] | undefined;

/** A path naming one record by its id: there, 404 means that record is gone, not that the address is wrong. */
const ENTITY_PATH = /\/\d+(\/|$)/;

/**
 * Writes (PUT, POST, PATCH, DELETE) go to Ongoing one at a time per goods owner, across every
 * instance in this process: Ongoing processes a goods owner's writes one after the other and
 * times out the ones that queue behind, so parallel writes would only turn into spurious
 * timeouts. Reads are not serialized; Ongoing answers them side by side. The line is per
 * process: another process writing to the same goods owner is not covered.
 */
export class OngoingApi {
  readonly goodsOwnerId: number;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  readonly #authorization: string;
  readonly #writes: SerialQueue | undefined;
  readonly #writeGate: ((what: string) => void) | undefined;

  constructor(options: OngoingApiOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.goodsOwnerId = options.goodsOwnerId;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.#authorization = `Basic ${Buffer.from(`${options.username}:${options.password}`, 'utf8').toString('base64')}`;
    this.#writes = options.serialWrites === false ? undefined : writeQueueFor(this.baseUrl, this.goodsOwnerId);
    this.#writeGate = options.writeGate;
    if (options.log) warnIfPlainHttpToRemoteHost(this.baseUrl, 'the Ongoing API (Basic auth)', options.log);
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

  private async call<T>(
    method: string,
    path: string,
    options: { query?: Record<string, QueryValue>; body?: unknown } = {},
  ): Promise<{ status: number; data: T }> {
    const what = `Ongoing ${method} ${path}`;
    const send = () => {
      if (method !== 'GET') this.#writeGate?.(what);
      return this.send(what, method, path, options);
    };
    // The timeout starts only when a write's turn comes, so a long line is not taken for a dead Ongoing.
    const { status, text, retryAfter } =
      method === 'GET' || !this.#writes ? await send() : await this.#writes.run(send);
    if (status === 429 || status === 408 || status >= 500) {
      const retryAfterMs = parseRetryAfter(retryAfter);
      throw new TransientError(
        `${what} answered ${status}: ${errorText(text)}`,
        retryAfterMs === undefined ? {} : { retryAfterMs },
      );
    }
    // Refused credentials or rights, or no such endpoint at all, are the configuration's fault, not
    // the record's: no record can pass until they are fixed, so none may be dead-lettered for them.
    if (status === 401 || status === 403 || (status === 404 && !ENTITY_PATH.test(path))) {
      throw new ConfigurationFault(
        `${what} answered ${status}: ${errorText(text)}${status === 404 ? ' (check ONGOING_API_BASE_URL)' : ''}`,
        status,
        reasonFor(status),
      );
    }
    if (status >= 400)
      throw new RejectedError(`${what} answered ${status}: ${errorText(text)}`, status, reasonFor(status));
    if (status < 200 || status >= 300) throw new TransientError(`${what} answered unexpected status ${status}`);
    if (!text.trim()) return { status, data: undefined as T };
    try {
      return { status, data: JSON.parse(text) as T };
    } catch (e) {
      // A garbled success body is most likely a proxy or a cut connection; the writes are upserts, so retrying is safe.
      throw new TransientError(`${what} answered ${status} with a body that is not JSON`, { cause: e });
    }
  }

  /** One exchange, body included: a write holds its goods owner's turn until Ongoing has fully answered. */
  private async send(
    what: string,
    method: string,
    path: string,
    options: { query?: Record<string, QueryValue>; body?: unknown },
  ): Promise<{ status: number; text: string; retryAfter: string | null }> {
    const headers: Record<string, string> = { authorization: this.#authorization, accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const count = (status: number | 'network') =>
      ongoingRequests.inc({ method, resource: path.split('/')[1] ?? '', status: String(status) });
    try {
      const res = await fetch(this.url(path, options.query), {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const retryAfter = res.headers.get('retry-after');
      count(res.status);
      return { status: res.status, text: await res.text(), retryAfter };
    } catch (e) {
      count('network');
      const name = (e as { name?: string }).name;
      if (name === 'TimeoutError' || name === 'AbortError')
        throw new TransientError(`${what} timed out after ${this.timeoutMs} ms`, { cause: e });
      throw new TransientError(`${what} failed: ${describeNetworkError(e)}`, { cause: e });
    }
  }

  private async get<T>(path: string, query: Record<string, QueryValue> = {}): Promise<T> {
    return (await this.call<T>('GET', path, { query })).data;
  }

  private withGoodsOwner(query: object): Record<string, QueryValue> {
    return { goodsOwnerId: this.goodsOwnerId, ...(query as Record<string, QueryValue>) };
  }

  // -------------------------------------------------------------------------------- articles

  async upsertArticle(article: OngoingArticlePut): Promise<{ articleSystemId: number; message: string }> {
    return (
      await this.call<{ articleSystemId: number; message: string }>('PUT', '/articles', {
        body: { ...article, goodsOwnerId: this.goodsOwnerId },
      })
    ).data;
  }

  /** One request; page yourself with articleSystemIdFrom/maxArticlesToGet, or use articlePages. */
  getArticles(filters: ArticleFilters = {}): Promise<OngoingArticle[]> {
    return this.get('/articles', this.withGoodsOwner(filters));
  }

  articlePages(
    filters: Omit<ArticleFilters, 'maxArticlesToGet'> = {},
    pageSize = 200,
  ): AsyncGenerator<OngoingArticle[]> {
    const { articleSystemIdFrom, ...rest } = filters;
    return pages(
      (from, max) => this.getArticles({ ...rest, articleSystemIdFrom: from, maxArticlesToGet: max }),
      (a) => a.articleSystemId,
      pageSize,
      articleSystemIdFrom,
    );
  }

  getAllArticles(filters: Omit<ArticleFilters, 'maxArticlesToGet'> = {}, pageSize = 200): Promise<OngoingArticle[]> {
    return collect(this.articlePages(filters, pageSize));
  }

  // -------------------------------------------------------------------------------- purchase orders

  async upsertPurchaseOrder(po: OngoingPurchaseOrderPut): Promise<{ purchaseOrderId: number; message: string }> {
    return (
      await this.call<{ purchaseOrderId: number; message: string }>('PUT', '/purchaseOrders', {
        body: { ...po, goodsOwnerId: this.goodsOwnerId },
      })
    ).data;
  }

  getPurchaseOrders(filters: PurchaseOrderFilters = {}): Promise<OngoingPurchaseOrder[]> {
    return this.get('/purchaseOrders', this.withGoodsOwner(filters));
  }

  purchaseOrderPages(
    filters: Omit<PurchaseOrderFilters, 'maxPurchaseOrdersToGet'> = {},
    pageSize = 100,
  ): AsyncGenerator<OngoingPurchaseOrder[]> {
    const { purchaseOrderIdFrom, ...rest } = filters;
    return pages(
      (from, max) => this.getPurchaseOrders({ ...rest, purchaseOrderIdFrom: from, maxPurchaseOrdersToGet: max }),
      (p) => p.purchaseOrderInfo.purchaseOrderId,
      pageSize,
      purchaseOrderIdFrom,
    );
  }

  getAllPurchaseOrders(
    filters: Omit<PurchaseOrderFilters, 'maxPurchaseOrdersToGet'> = {},
    pageSize = 100,
  ): Promise<OngoingPurchaseOrder[]> {
    return collect(this.purchaseOrderPages(filters, pageSize));
  }

  async setPurchaseOrderLineReported(
    purchaseOrderId: number,
    lineId: number,
    reportedNumberOfItems: number,
  ): Promise<{ purchaseOrderId: number; message: string }> {
    return (
      await this.call<{ purchaseOrderId: number; message: string }>(
        'PATCH',
        `/purchaseOrders/${purchaseOrderId}/lines/${lineId}/reportedNumberOfItems`,
        { body: { reportedNumberOfItems } },
      )
    ).data;
  }

  getPurchaseOrder(purchaseOrderId: number): Promise<OngoingPurchaseOrder> {
    return this.get(`/purchaseOrders/${purchaseOrderId}`);
  }

  /** Ongoing says this "may fail" once the warehouse has started receiving. */
  async setPurchaseOrderStatus(
    purchaseOrderId: number,
    purchaseOrderStatusNumber: number,
  ): Promise<{ purchaseOrderId: number; message: string }> {
    return (
      await this.call<{ purchaseOrderId: number; message: string }>(
        'PATCH',
        `/purchaseOrders/${purchaseOrderId}/purchaseOrderStatus`,
        { body: { purchaseOrderStatusNumber } },
      )
    ).data;
  }

  /** Cancels; Ongoing refuses once receiving has started. */
  async cancelPurchaseOrder(purchaseOrderId: number): Promise<{ purchaseOrderId: number; message: string }> {
    return (
      await this.call<{ purchaseOrderId: number; message: string }>('DELETE', `/purchaseOrders/${purchaseOrderId}`)
    ).data;
  }

  // -------------------------------------------------------------------------------- orders

  /** Upsert by orderNumber; `created` is true when Ongoing answered 201. */
  async upsertOrder(order: OngoingOrderPut): Promise<{ orderId: number; created: boolean; message: string }> {
    const { status, data } = await this.call<{ orderId: number; message: string }>('PUT', '/orders', {
      body: { ...order, goodsOwnerId: this.goodsOwnerId },
    });
    return { orderId: data.orderId, created: status === 201, message: data.message };
  }

  getOrders(filters: OrderFilters = {}): Promise<OngoingOrder[]> {
    return this.get('/orders', this.withGoodsOwner(filters));
  }

  orderPages(filters: Omit<OrderFilters, 'maxOrdersToGet'> = {}, pageSize = 100): AsyncGenerator<OngoingOrder[]> {
    const { orderIdFrom, ...rest } = filters;
    return pages(
      (from, max) => this.getOrders({ ...rest, orderIdFrom: from, maxOrdersToGet: max }),
      (o) => o.orderInfo.orderId,
      pageSize,
      orderIdFrom,
    );
  }

  getAllOrders(filters: Omit<OrderFilters, 'maxOrdersToGet'> = {}, pageSize = 100): Promise<OngoingOrder[]> {
    return collect(this.orderPages(filters, pageSize));
  }

  /** One order by Ongoing's id; a RejectedError (404) when there is none. */
  getOrder(orderId: number): Promise<OngoingOrder> {
    return this.get(`/orders/${orderId}`);
  }

  /** Cancels; Ongoing refuses once the warehouse has started work. */
  async cancelOrder(orderId: number): Promise<{ orderId: number; message: string }> {
    return (await this.call<{ orderId: number; message: string }>('DELETE', `/orders/${orderId}`)).data;
  }

  async setOrderLineReported(
    orderId: number,
    orderLineId: number,
    reportedNumberOfItems: number,
  ): Promise<{ orderId: number; message: string }> {
    return (
      await this.call<{ orderId: number; message: string }>(
        'PATCH',
        `/orders/${orderId}/lines/${orderLineId}/reportedNumberOfItems`,
        { body: { reportedNumberOfItems } },
      )
    ).data;
  }

  async setOrderLineReportedReturned(
    orderId: number,
    orderLineId: number,
    reportedReturnedNumberOfItems: number,
  ): Promise<{ orderId: number; message: string }> {
    return (
      await this.call<{ orderId: number; message: string }>(
        'PATCH',
        `/orders/${orderId}/lines/${orderLineId}/reportedReturnedNumberOfItems`,
        { body: { reportedReturnedNumberOfItems } },
      )
    ).data;
  }

  async getWaysOfDelivery(): Promise<OngoingWayOfDeliveryType[]> {
    return (
      (
        await this.get<{ wayOfDeliveryTypes: OngoingWayOfDeliveryType[] | null }>('/orders/wayOfDeliveryTypes', {
          goodsOwnerId: this.goodsOwnerId,
        })
      ).wayOfDeliveryTypes ?? []
    );
  }

  // -------------------------------------------------------------------------------- return orders (read: the warehouse registers them)

  getReturnOrder(returnOrderId: number): Promise<OngoingReturnOrder> {
    return this.get(`/returnOrders/${returnOrderId}`);
  }

  /** No cursor in Ongoing's API: narrow by numbers, dates or status. */
  getReturnOrders(filters: ReturnOrderFilters = {}): Promise<OngoingReturnOrder[]> {
    return this.get('/returnOrders', this.withGoodsOwner(filters));
  }

  async getReturnOrderStatuses(): Promise<OngoingStatus[]> {
    return (
      (await this.get<{ returnOrderStatuses: OngoingStatus[] | null }>('/returnOrders/statuses')).returnOrderStatuses ??
      []
    );
  }

  // -------------------------------------------------------------------------------- inventory and reference data

  getInventoryAdjustments(filters: InventoryAdjustmentFilters = {}): Promise<OngoingInventoryAdjustmentsLine[]> {
    return this.get('/inventoryAdjustments', this.withGoodsOwner(filters));
  }

  async setInventoryAdjustmentReported(inventoryId: number, articleSystemId: number): Promise<OngoingSetReportedReply> {
    return (
      await this.call<OngoingSetReportedReply>(
        'PATCH',
        `/inventoryAdjustments/${inventoryId}/articles/${articleSystemId}/setReported`,
      )
    ).data;
  }

  getTransporterContracts(): Promise<OngoingTransporterContract[]> {
    return this.get('/transporterContracts', { goodsOwnerId: this.goodsOwnerId });
  }
}
