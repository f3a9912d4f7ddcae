/** Ongoing's /orders (outbound customer orders): the PUT body, the order as read back, and the list filters. */
import type { OngoingArticleRef, OngoingCodeName, OngoingGoodsOwnerRef, OngoingStatus } from './common.js';

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
  /** PUT only: Ongoing's GET model of the consignee has neither. */
  vatNumber?: string;
  organisationNumber?: string;
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
  termsOfDeliveryType?: OngoingCodeName;
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
  warehouseInstruction?: string | null;
  termsOfDeliveryType?: OngoingCodeName | null;
  emailNotification?: OngoingNotification | null;
  smsNotification?: OngoingNotification | null;
  /** backOrderInfo names the order this one is the back order of (the warehouse moved that order's rest here). */
  advanced?: { backOrderInfo?: { backOrderForOrderId?: number | null } | null } | null;
}

export interface OngoingParcel {
  id: number;
  /** Not every warehouse numbers its parcels. */
  parcelNumber: string | null;
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
  /** The back orders of this order. */
  backOrderForOrderId?: number;
}

export interface OngoingWayOfDeliveryType {
  id: number;
  code: string;
  name: string | null;
}
