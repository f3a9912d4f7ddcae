/**
 * The generator's vocabulary of actions: which kinds there are, on which side, how often each
 * happens by default, and the shape of a planned action. Kept apart from the planners so the
 * runner and the executor can name kinds and plans without pulling in the planning itself.
 */
import type {
  ProductFields,
  ProductInput,
  PurchaseOrderInput,
  ReturnLineInput,
  SalesOrderInput,
} from '../multicase-db/actions.js';
import type { PickingListInfo, PurchaseOrderInfo } from './world.js';

/** What a Multicase user does at the screen. */
export const MULTICASE_ACTION_KINDS = [
  'createProduct',
  'updateProduct',
  'deactivateProduct',
  'createPurchaseOrder',
  'changePurchaseOrder',
  'cancelPurchaseOrder',
  'createSalesOrder',
  'sendOrderToWarehouse',
  'registerReturn',
  'sendReturnToWarehouse',
] as const;

/** What the warehouse staff do in Ongoing, only to records that reached Ongoing. */
export const ONGOING_ACTION_KINDS = [
  'receivePurchaseOrder',
  'pickOrder',
  'shipOrder',
  'receiveReturn',
  'adjustStock',
] as const;

export const ACTION_KINDS = [...MULTICASE_ACTION_KINDS, ...ONGOING_ACTION_KINDS] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];
export type OngoingActionKind = (typeof ONGOING_ACTION_KINDS)[number];

export function isOngoingAction(kind: ActionKind): kind is OngoingActionKind {
  return (ONGOING_ACTION_KINDS as readonly string[]).includes(kind);
}

/** Relative weights: a small web shop's day. `mix` in the options overrides single kinds. */
export const DEFAULT_MIX: Readonly<Record<ActionKind, number>> = {
  createProduct: 4,
  updateProduct: 5,
  deactivateProduct: 0.5,
  createPurchaseOrder: 8,
  changePurchaseOrder: 3,
  cancelPurchaseOrder: 1,
  createSalesOrder: 16,
  sendOrderToWarehouse: 14,
  registerReturn: 3,
  sendReturnToWarehouse: 3,
  receivePurchaseOrder: 10,
  pickOrder: 8,
  shipOrder: 14,
  receiveReturn: 4,
  adjustStock: 3,
};

/** Units kept back when selling or writing stock off, so picking discrepancies never drive Multicase stock below zero. */
export const SAFETY_STOCK = 3;
/** How many candidates a warehouse action looks up in Ongoing at once. */
export const ONGOING_CANDIDATES = 40;

export interface CodeName {
  code: string;
  name: string;
}

export type PlannedAction =
  | { kind: 'createProduct'; key: string; detail: string; input: ProductInput }
  | { kind: 'updateProduct'; key: string; detail: string; changes: ProductFields }
  | { kind: 'deactivateProduct'; key: string; detail: string }
  /** The number comes from Multicase's series when saved. */
  | { kind: 'createPurchaseOrder'; detail: string; input: PurchaseOrderInput }
  | { kind: 'changePurchaseOrder'; key: string; detail: string; input: PurchaseOrderInput }
  | { kind: 'cancelPurchaseOrder'; key: string; detail: string }
  | { kind: 'createSalesOrder'; detail: string; input: SalesOrderInput }
  | { kind: 'sendOrderToWarehouse'; key: string; detail: string }
  | {
      kind: 'registerReturn';
      key: string;
      detail: string;
      lines: ReturnLineInput[];
      reason: string;
      settlement: 'credit' | 'replace';
    }
  | { kind: 'sendReturnToWarehouse'; key: string; detail: string }
  | { kind: 'receivePurchaseOrder'; candidates: PurchaseOrderInfo[]; partial: boolean }
  | { kind: 'pickOrder'; candidates: PickingListInfo[]; discrepancy: boolean; shortPick: boolean }
  | {
      kind: 'shipOrder';
      candidates: PickingListInfo[];
      waybill: string;
      trackingUrl: string;
      parcels: number;
      preferPicked: boolean;
    }
  | { kind: 'receiveReturn'; candidates: string[]; partial: boolean }
  | { kind: 'adjustStock'; candidates: string[]; numberOfItems: number; cause: CodeName; comment: string };

/** Nothing of any enabled kind can be done now. */
export interface NothingToDo {
  kind: ActionKind;
  skip: string;
}
