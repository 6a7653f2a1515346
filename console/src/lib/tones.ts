/** How a status reads at a glance; the badge always shows the status's name too. */
export function toneOf(status: string): 'good' | 'warn' | 'bad' | 'neutral' {
  if (['completed', 'executed', 'approved', 'resolved', 'active', 'live', 'reconciled', 'ok', 'posted'].includes(status)) return 'good';
  if (['pending', 'waiting', 'awaiting_approval', 'acknowledged', 'running', 'paused', 'shadow', 'reconnecting', 'connecting'].includes(status)) return 'warn';
  if (['failed', 'denied', 'rejected', 'open', 'expired', 'void', 'frozen', 'critical', 'high', 'engaged', 'cancelled', 'broken'].includes(status)) return 'bad';
  return 'neutral';
}
