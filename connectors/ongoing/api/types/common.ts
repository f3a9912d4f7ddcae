/** Shapes shared by several of Ongoing's resources, and the small replies that have no resource file of their own. */

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
