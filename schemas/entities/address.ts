/** Postal addresses, written the same way in the events and the commands that carry them. */
import { field, optional, record, type AvroField } from '../avro.js';

/** Who and where, before the country: name, three address lines, post code, city. */
export const addressLines = (): AvroField[] => [
  field('name', 'string'),
  optional('address1', 'string'),
  optional('address2', 'string'),
  optional('address3', 'string'),
  optional('postCode', 'string'),
  optional('city', 'string'),
];

/** An order's invoice address, as a record of the given name. */
export const invoiceAddress = (name: string, namespace: string) =>
  record(name, namespace, "Where the order's invoice goes (the customer's address unless the order says otherwise).", [
    ...addressLines(),
    optional('countryCode', 'string'),
  ]);
