import { idSchema } from "../ids.js";
import type {
  CustomerId,
  LocationId,
  LotId,
  MovementId,
  OrderId,
  PurchaseOrderId,
  ReservationId,
  Sku,
  SupplierId,
  WarehouseId,
} from "../ids.js";

// Branded id fields of event payloads (private to the catalog).
export const orderIdField = idSchema<OrderId>();
export const customerIdField = idSchema<CustomerId>();
export const supplierIdField = idSchema<SupplierId>();
export const skuField = idSchema<Sku>();
export const warehouseIdField = idSchema<WarehouseId>();
export const locationIdField = idSchema<LocationId>();
export const lotField = idSchema<LotId>();
export const movementIdField = idSchema<MovementId>();
export const purchaseOrderIdField = idSchema<PurchaseOrderId>();
export const reservationIdField = idSchema<ReservationId>();
export const documentIdField = idSchema<string>();
