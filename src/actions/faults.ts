// Named points between the steps of an action. Tests make an action fail at
// each of them to prove that a failure anywhere leaves the original intact
// and nothing half-made behind. In normal runs no hook is set.
type FaultHook = (point: string) => void;

let hook: FaultHook | null = null;

export function setFaultHook(next: FaultHook | null): void {
  hook = next;
}

export function faultPoint(name: string): void {
  hook?.(name);
}
