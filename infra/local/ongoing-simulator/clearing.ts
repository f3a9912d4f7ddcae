/**
 * How a PUT changes what is stored, field by field. Ongoing documents none of it; the simulator
 * implements reading C1 of docs/sending-to-ongoing.md, the one the pipeline is built for: a field
 * left out keeps its value, null keeps it, and "" clears it. Numbers have no clear: 0 is stored as 0.
 *
 * An object that is one value (a code and its name, a transporter and its service, a
 * notification, a line's prices) is replaced whole when given, its "" members dropped; other
 * objects (consignee, its invoice address, barCodeInfo, supplierInfo, advanced) are changed field
 * by field the same way. An object left with nothing in it is gone. Lists are replaced whole.
 */
import { isObject, type Json } from './http.js';

const ONE_VALUE = new Set([
  'wayOfDelivery',
  'orderType',
  'termsOfDeliveryType',
  'articleGroup',
  'articleCategory',
  'purchaseOrderType',
  'transporter',
  'returnTransporter',
  'emailNotification',
  'smsNotification',
  'telephoneNotification',
  'prices',
]);

const cleared = (v: unknown) => v === '' || v === null || v === undefined;

function oneValue(v: Json): Json {
  return Object.fromEntries(Object.entries(v).filter(([, x]) => !cleared(x)));
}

/** `stored` changed by the fields of a PUT body `given` (reading C1). */
export function applyPut(stored: Json, given: Json): Json {
  const out: Json = { ...stored };
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined || value === null) continue;
    if (value === '') {
      delete out[key];
      continue;
    }
    if (isObject(value)) {
      const before = out[key];
      const next = ONE_VALUE.has(key) ? oneValue(value) : applyPut(isObject(before) ? before : {}, value);
      if (Object.keys(next).length === 0) delete out[key];
      else out[key] = next;
      continue;
    }
    out[key] = value;
  }
  return out;
}
