/**
 * The code lists a fresh simulator starts with: the default statuses, a few transporters with
 * their services, common ways of delivery with the transporter each is assigned, and one warehouse. Tests and the demo may seed others
 * through the control path (seedReferenceData in reference-data.ts). The shapes of seed data are declared here with it.
 */
export interface StatusEntry {
  number: number;
  text: string;
}

export interface TransporterService {
  transporterServiceCode: string;
  transporterServiceName: string;
}

export interface TransporterContract {
  transporterCode: string;
  transporterName: string;
  ediCode?: string | null;
  transporterServiceCode?: string | null;
  transporterServices: TransporterService[];
}

export interface WayOfDeliverySeed {
  /** Omit to seed the way of delivery for every goods owner. */
  goodsOwnerId?: number;
  code: string;
  name: string;
}

/**
 * A transporter assignment: warehouse staff map a way of delivery to a transporter service, and an
 * order that names the way of delivery but no transporter gets that transporter (reference §5.4).
 */
export interface TransporterAssignmentSeed {
  /** Omit to assign for every goods owner. */
  goodsOwnerId?: number;
  wayOfDeliveryCode: string;
  transporterCode: string;
  transporterServiceCode?: string | null;
}

export interface WarehouseSeed {
  id: number;
  code: string;
  name: string;
}

export interface SeedData {
  orderStatuses?: StatusEntry[];
  purchaseOrderStatuses?: StatusEntry[];
  returnOrderStatuses?: StatusEntry[];
  transporterContracts?: TransporterContract[];
  waysOfDelivery?: WayOfDeliverySeed[];
  transporterAssignments?: TransporterAssignmentSeed[];
  warehouses?: WarehouseSeed[];
}

export const DEFAULT_SEED: Required<SeedData> = {
  orderStatuses: [
    { number: 150, text: 'Error' },
    { number: 200, text: 'Open' },
    { number: 300, text: 'Released' },
    { number: 320, text: 'Allocated' },
    { number: 400, text: 'Picked' },
    { number: 450, text: 'Sent' },
    { number: 500, text: 'Collected' },
    { number: 800, text: 'Returned' },
    { number: 1000, text: 'Cancelled' },
  ],
  purchaseOrderStatuses: [
    { number: 100, text: 'Notified' },
    { number: 200, text: 'Arrival space' },
    { number: 300, text: 'Inbound' },
    { number: 400, text: 'Deflection' },
    { number: 500, text: 'Received' },
    { number: 900, text: 'Cancelled' },
  ],
  returnOrderStatuses: [
    { number: 100, text: 'Notified' },
    { number: 200, text: 'Arrived' },
    { number: 300, text: 'Received' },
    { number: 900, text: 'Cancelled' },
  ],
  transporterContracts: [
    {
      transporterCode: 'PLAB',
      transporterName: 'PostNord Logistics AB',
      ediCode: 'PLAB',
      transporterServiceCode: 'P19',
      transporterServices: [
        { transporterServiceCode: 'P18', transporterServiceName: 'PostNord Parcel' },
        { transporterServiceCode: 'P19', transporterServiceName: 'PostNord MyPack Collect' },
        { transporterServiceCode: 'P17', transporterServiceName: 'PostNord MyPack Home' },
      ],
    },
    {
      transporterCode: 'DHL',
      transporterName: 'DHL Freight Sweden',
      ediCode: 'DHL',
      transporterServiceCode: 'DHLPARCEL',
      transporterServices: [
        { transporterServiceCode: 'DHLPARCEL', transporterServiceName: 'DHL Parcel Connect' },
        { transporterServiceCode: 'DHLSERVICEPOINT', transporterServiceName: 'DHL Service Point' },
        { transporterServiceCode: 'DHLPALLET', transporterServiceName: 'DHL Pall' },
      ],
    },
    {
      transporterCode: 'BRING',
      transporterName: 'Bring',
      ediCode: 'BRING',
      transporterServiceCode: 'BRINGPARCEL',
      transporterServices: [
        { transporterServiceCode: 'BRINGPARCEL', transporterServiceName: 'Bring Business Parcel' },
        { transporterServiceCode: 'BRINGPICKUP', transporterServiceName: 'Bring PickUp Parcel' },
      ],
    },
    {
      transporterCode: 'UPS',
      transporterName: 'UPS',
      ediCode: 'UPS',
      transporterServiceCode: 'UPSSTANDARD',
      transporterServices: [
        { transporterServiceCode: 'UPSSTANDARD', transporterServiceName: 'UPS Standard' },
        { transporterServiceCode: 'UPSEXPRESS', transporterServiceName: 'UPS Express Saver' },
      ],
    },
    {
      transporterCode: 'PICKUP',
      transporterName: 'Customer pickup',
      ediCode: null,
      transporterServiceCode: 'PICKUP',
      transporterServices: [{ transporterServiceCode: 'PICKUP', transporterServiceName: 'Picked up at the warehouse' }],
    },
  ],
  waysOfDelivery: [
    { code: 'STANDARD', name: 'Standard delivery' },
    { code: 'EXPRESS', name: 'Express delivery' },
    { code: 'SERVICEPOINT', name: 'Delivery to service point' },
    { code: 'PALLET', name: 'Pallet freight' },
    { code: 'PICKUP', name: 'Customer pickup' },
  ],
  transporterAssignments: [
    { wayOfDeliveryCode: 'STANDARD', transporterCode: 'PLAB', transporterServiceCode: 'P18' },
    { wayOfDeliveryCode: 'EXPRESS', transporterCode: 'DHL', transporterServiceCode: 'DHLPARCEL' },
    { wayOfDeliveryCode: 'SERVICEPOINT', transporterCode: 'PLAB', transporterServiceCode: 'P19' },
    { wayOfDeliveryCode: 'PALLET', transporterCode: 'DHL', transporterServiceCode: 'DHLPALLET' },
    { wayOfDeliveryCode: 'PICKUP', transporterCode: 'PICKUP', transporterServiceCode: 'PICKUP' },
  ],
  warehouses: [{ id: 1, code: 'MAIN', name: 'Main warehouse' }],
};
