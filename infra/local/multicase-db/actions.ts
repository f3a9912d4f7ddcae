/**
 * What a Multicase user does at the screen, as functions: create and change products, save
 * purchase orders, take customer orders, allocate stock to them, send them to the warehouse,
 * change and cancel them, register returns. Used by
 * tests, the demo and the load generator to produce the changes the pipeline captures.
 *
 * Each action is one database transaction (a savepoint when given a transaction) and checks its
 * input first, throwing a ValidationError that names the record and the field. The database's
 * own constraints stay the last line of defence. Every action returns the document as saved.
 */
export * from './reads.js';
export * from './actions/products.js';
export * from './actions/purchase-orders.js';
export * from './actions/sales-orders.js';
export * from './actions/allocation.js';
export * from './actions/picking-lists.js';
export * from './actions/order-changes.js';
export * from './actions/returns.js';
export * from './actions/stock.js';
