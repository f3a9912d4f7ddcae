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

export const ShippingMethodMapping = record(
  'ShippingMethodMapping',
  ST,
  'How one Multicase shipping method is delivered by Ongoing.',
  [
    field('shippingMethodId', 'long', 'Multicase FreightID'),
    optional('shippingMethodCode', 'string'),
    optional('wayOfDeliveryCode', 'string'),
    optional('wayOfDeliveryName', 'string'),
    optional('transporterCode', 'string'),
    optional('transporterServiceCode', 'string'),
    field('updatedAt', timestampMillis),
  ],
);

export const SourceOffset = record('SourceOffset', ST, "A source connector's position in its system.", [
  field('source', 'string'),
  field('position', 'string', 'connector-specific, JSON'),
  field('updatedAt', timestampMillis),
]);

export const SourceSignal = record(
  'SourceSignal',
  ST,
  "An operator's request to a running source (Debezium's signal channel): the source with this name picks it up between two polls. The latest signal per source counts; one already carried out (its id is in the source's position) is not repeated.",
  [
    field('source', 'string', 'the source it is for, e.g. multicase.products'),
    field('signalId', 'string', 'unique per request'),
    field('kind', 'string', 'resnapshot: send every row the source holds again, in chunks between its change reads'),
    field('requestedAt', timestampMillis),
    optional('requestedBy', 'string', 'who asked (user@host), for the record'),
  ],
);

export const HeldRecord = record(
  'HeldRecord',
  ST,
  "A record a stage holds until setup it needs appears (a picking list whose freight method has no mapping). Tombstoned when it goes on; an entry at or below its group's committed offset is history.",
  [
    field('stage', 'string'),
    field('topic', 'string'),
    field('partition', 'int'),
    field('offset', 'long'),
    optional('key', 'string'),
    field('reason', 'string', 'names the record and what it waits for'),
    field('since', timestampMillis),
  ],
);
