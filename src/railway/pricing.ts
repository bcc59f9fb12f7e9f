// Railway's published usage prices (https://docs.railway.com/reference/pricing: memory $10 per GB-month =
// $0.000231 per GB-minute, CPU $20 per vCPU-month = $0.000463 per vCPU-minute, volumes $0.15 per GB-month,
// egress $0.05 per GB), per unit of the `usage` query's measurements. Plans' included credit is not applied:
// an estimate says what the services use, not what the invoice will be.
import type { UsageMeasurement } from './types.js';

const GB_MONTH_TO_GB_MINUTE = 1 / (30 * 24 * 60);

export const USD_PER_UNIT: Record<UsageMeasurement, number> = {
  CPU_USAGE: 0.000463, // per vCPU-minute
  MEMORY_USAGE_GB: 0.000231, // per GB-minute
  DISK_USAGE_GB: 0.15 * GB_MONTH_TO_GB_MINUTE, // per GB-minute
  NETWORK_TX_GB: 0.05, // per GB
};

export const PRICING_SOURCE = 'https://docs.railway.com/reference/pricing';
