/**
 * What a record on each topic means in business terms, for analytics teams (docs/analytics.md is
 * generated from this and the catalog). A topic added to the catalog without a sentence here
 * fails the docs test.
 */
import type { TopicName } from './catalog.js';

export const topicMeanings: Record<TopicName, string> = {
  'multicase.product.changed':
    'A product (article master data, service items included) was created or changed in Multicase. The latest event per key is the product as it is now; `isDeleted` marks one taken out of use.',
  'multicase.purchase-order.changed':
    'A purchase order for the warehouse Ongoing runs was saved in Multicase, or an open or partly received one changed (lines, quantities, dates, receiving instructions, closing short, cancellation). The warehouse is told to expect these goods.',
  'multicase.order.released':
    "A Multicase user sent an order's picking list to the warehouse: the allocated quantities to pick, with the delivery address, freight method, invoice address, VAT and organisation number, terms of delivery, remark and cash-on-delivery amount. A later change of the order's data (or of its warehouse) is a new event for its picking list. What was not sent stays in Multicase as a back order.",
  'multicase.return-order.changed':
    'A customer return registered in Multicase was sent to the warehouse (or changed or closed): its lines to be placed in stock are expected back; scrap and repair lines stay in Multicase.',
  'ongoing.goods-receipt.received':
    'The warehouse received goods against a purchase order, or a customer return (marked as a return). Quantities are cumulative per line: the latest event says how much has arrived so far.',
  'ongoing.order.shipped':
    'The warehouse shipped an outbound order: what was picked per line, the parcels and their tracking. This is what the customer is invoiced for.',
  'ongoing.inventory.adjusted':
    'Stock was changed in the warehouse outside receiving and picking: a count, damage, a discrepancy found while picking. One event per inventory and article, with the signed change and its cause.',
  'ongoing.article.upsert':
    'The pipeline creates or updates this article in Ongoing so the warehouse knows the product (number, name, EAN, dimensions, and the customs and valuation data: country of origin, tariff number, net weight, cost price).',
  'ongoing.purchase-order.upsert':
    'The pipeline creates, updates, closes short or cancels an inbound order in Ongoing: a purchase order, or a customer return sent as a goods receipt (marked as a return).',
  'ongoing.order.upsert':
    'The pipeline creates, updates or cancels an outbound order in Ongoing from a picking list, with the way of delivery its freight method maps to.',
  'ongoing.order.report':
    'The pipeline acknowledges a shipped order in Ongoing (reporting back) once the shipment is safely in Kafka, so Ongoing does not report it again.',
  'ongoing.inventory-adjustment.report':
    'The pipeline acknowledges an inventory adjustment in Ongoing (setReported) once it is safely in Kafka.',
  'ongoing.goods-receipt.report':
    'The pipeline acknowledges received quantities in Ongoing (reporting back) once they are safely in Kafka.',
  'multicase.receipt.book':
    "Goods received in the warehouse are booked in Multicase: stock on hand, stock history and the purchase order lines' received quantity (cumulative per line).",
  'multicase.shipment.invoice':
    'A shipment is booked in Multicase: a packing slip, the stock movement, an invoice for exactly what shipped, and the tracking link in the order history.',
  'multicase.return.book':
    'Returned goods the warehouse received are booked into Multicase stock, naming the return; a complete return with a credit settlement gets its credit note.',
  'multicase.order.note':
    "A line is written into a Multicase order's history: a change or cancellation Ongoing refused because the warehouse had started work on it.",
  'multicase.stock.adjust':
    "A stock change made in the warehouse is booked in Multicase stock and stock history; what Multicase's stock model cannot take is raised as an integration exception.",
  'ongoing.order.returned':
    'The warehouse took goods back against an outbound order (a parcel the customer or the carrier sent back, registered on the order or on a return order made against it). Quantities are cumulative per order line.',
  'ongoing.order.closed':
    'The warehouse cancelled an outbound order, or closed it with nothing picked: nothing of it will be shipped.',
  'ongoing.order-return.report':
    'The pipeline acknowledges returned quantities on an outbound order in Ongoing (reporting back) once they are safely in Kafka.',
  'multicase.warehouse-return.book':
    'Goods the warehouse took back on its own are booked in Multicase: stock in, and a return (created, or one already announced linked) for the user to settle, with an integration exception.',
  'multicase.picking-list.close':
    'A picking list whose order the warehouse cancelled or closed with nothing picked is closed in Multicase; its quantities go back to the back order and their allocation is released.',
  'state.id-map':
    'Which id Ongoing gave a Multicase business key (article, purchase order, order, return), plus a hash of what was last written there. The latest record per key is the mapping.',
  'state.shipping-method-map':
    'How each Multicase freight method is delivered by Ongoing (way of delivery, transporter, service), as operators maintain it (`ops shipping-map`). A tombstone removes a mapping.',
  'state.held-records':
    'Records a stage holds back until what they need exists (a picking list whose freight method has no mapping), with the reason. A tombstone means it went on.',
  'state.source-offsets':
    "Each source connector's position in its system (how far it has read). Internal to the pipeline; of little use for analytics.",
  'state.source-signals':
    'Operator requests to a running source, such as a resnapshot (`ops resnapshot`) that sends everything the source holds again. Internal to the pipeline.',
};
