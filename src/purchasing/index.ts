/**
 * Purchasing: suppliers and price lists, purchase orders (draft → approved → sent →
 * received → billed → closed), receipts into stock, supplier bills with a 3-way match,
 * supplier payments, returns with debit notes, landed costs, incoming quantities, learned
 * lead times and scorecards. Written in docs/purchasing.md.
 */
export { PURCHASING_REGISTRY, createPurchasingApi, purchasingCommands, purchasingModule, purchasingModuleOptions } from "./module.js";
export type { PurchasingApi } from "./module.js";
export type { PurchasingOptions, PurchasingSettings, PurchasingTax, PurchasingTaxFunctions } from "./options.js";
export { resolvePurchasingOptions } from "./options.js";
export type { PaymentTerms, Supplier, SupplierItem, SupplierPrice } from "./supplier.js";
export type { PurchaseOrderHistoryEntry, PurchaseOrderLine, PurchaseOrder, ReceiptSlice } from "./purchase-order.js";
export type { BillStockBasis, SupplierBill } from "./bill.js";
export type { BillToPay, BillsToPay, BillsToPayQuery, PayableCredit, PayableCreditsReader } from "./bills-to-pay.js";
export type { IncomingRow } from "./order-store.js";
export type { BankAccount, PostalAddress } from "./bank-account.js";
export { isValidIban } from "./bank-account.js";
export type { SepaCreditTransfer, SepaCreditTransferQuery, SepaTransfer } from "./sepa.js";
export { sepaCreditTransferXml, sepaText } from "./sepa.js";
export type { IncomingSummary } from "./reports.js";
export type { ReceiptRecord } from "./receive-goods.js";
export type { LeadTimeAnomaly, LeadTimeStats, SupplierScorecard } from "./supplier-performance.js";
export type { MatchReason, MatchTolerances } from "./three-way-match.js";
export { matchBill } from "./three-way-match.js";
export type { PurchaseOrderAction, PurchaseOrderStatus } from "./transitions.js";
export { allowedActions, progressStatus } from "./transitions.js";
export { checkPriceList, orderQuantityProblem, priceFor, roundToOrderQuantity } from "./pricing.js";
export { leadTimeStats, withinStatedLeadTime } from "./lead-time-stats.js";
