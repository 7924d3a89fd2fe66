export const frame = JSON.stringify([
  2,
  "19223201",
  "BootNotification",
  { chargePointVendor: "Acme", chargePointModel: "X1", chargePointSerialNumber: "X1-000042", firmwareVersion: "1.0.3" },
]);
