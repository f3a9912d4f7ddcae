/** The values of the compacted state topics. */
import { field, optional, record, timestampMillis } from '../avro.js';

const ST = 'pipeline.state';

export const IdMapping = record('IdMapping', ST, 'A Multicase business key and the id the target system gave it.', [
  field('system', 'string', 'ongoing'),
  field('entityType', 'string', 'article | purchaseOrder | order | orderLine | returnOrder'),
  field('businessKey', 'string'),
  field('externalId', 'string'),
  field('updatedAt', timestampMillis),
  optional('contentHash', 'string', 'hash of the last payload written, so an unchanged command is not sent again'),
]);

export const ShippingMethodMapping = record('ShippingMethodMapping', ST, 'How one Multicase shipping method is delivered by Ongoing.', [
  field('shippingMethodId', 'long', 'Multicase FreightID'),
  optional('shippingMethodCode', 'string'),
  optional('wayOfDeliveryCode', 'string'),
  optional('wayOfDeliveryName', 'string'),
  optional('transporterCode', 'string'),
  optional('transporterServiceCode', 'string'),
  field('updatedAt', timestampMillis),
]);

export const SourceOffset = record('SourceOffset', ST, "A source connector's position in its system.", [
  field('source', 'string'),
  field('position', 'string', 'connector-specific, JSON'),
  field('updatedAt', timestampMillis),
]);
