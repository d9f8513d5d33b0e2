import { jolokiaService } from '@hawtio/react'

/**
 * What the view needs from the daemon, read and run through hawtio's own Jolokia (/hawtio/jolokia), so the
 * console's login, its access policy and its role checks apply to every call.
 */

export const GOD = 'supervisor:type=God'
const APPS = 'supervisor:type=App,*'
/** hawtio's client-side RBAC MBean pattern; the daemon registers ConsoleAccessControl under it. */
const ACL_PATTERN = 'hawtio:type=security,area=jmx,*'

/** One instance, from the App MBean's Processes attribute (ProcessInfo). */
export type Instance = {
  id: number
  name: string
  status: string
  pid: number
  uptimeMillis: number
  restarts: number
  instanceIndex: number
  privatePort: number
  lastExit: string
  /** Present once the daemon samples /proc; absent on older daemons. */
  cpuPercent?: number
  memoryBytes?: number
}

export type App = {
  name: string
  mbean: string
  status: string
  instancesWanted: number
  restarts: number
  port: number
  front: string
  reloadState: string
  reloadStep: string
  instances: Instance[]
}

export type ReloadResult = {
  app: string
  outcome: string
  replaced: number
  failed: number
  durationMillis: number
  reason: string
  steps: string[]
}

export type ReloadProgress = {
  lines: string[]
  next: number
  finished: boolean
  results: ReloadResult[]
}

type Response = { status: number; value?: unknown; error?: string }

/** One Jolokia request; rejects with the daemon's own message when it refuses or fails. */
async function request(req: Record<string, unknown>): Promise<unknown> {
  const [res] = (await jolokiaService.bulkRequest([req as never])) as unknown as Response[]
  if (!res || res.status !== 200) {
    throw new Error(cleanError(res?.error ?? `HTTP ${res?.status ?? '?'}`))
  }
  return res.value
}

/** "java.lang.IllegalArgumentException : no app 'x'" → "no app 'x'". */
function cleanError(error: string): string {
  const m = /^[\w.$]+(?:Exception|Error)\s*:\s*(.*)$/s.exec(error)
  return (m ? m[1] : error).trim()
}

export function exec(mbean: string, operation: string, ...args: unknown[]): Promise<unknown> {
  return request({ type: 'exec', mbean, operation, arguments: args })
}

/** The Processes attribute is a list of composites, or (self-describing MBeans) tabular data keyed by id. */
function instancesOf(processes: unknown): Instance[] {
  if (!processes) return []
  const rows = Array.isArray(processes) ? processes : Object.values(processes as Record<string, unknown>)
  return (rows as Instance[]).slice().sort((a, b) => a.instanceIndex - b.instanceIndex || a.id - b.id)
}

export async function readApps(): Promise<App[]> {
  const value = (await request({ type: 'read', mbean: APPS })) as Record<string, Record<string, unknown>>
  return Object.entries(value ?? {})
    .map(([mbean, a]) => ({
      name: String(a.Name),
      mbean,
      status: String(a.Status ?? ''),
      instancesWanted: Number(a.InstancesWanted ?? 0),
      restarts: Number(a.Restarts ?? 0),
      port: Number(a.Port ?? 0),
      front: String(a.Front ?? ''),
      reloadState: String(a.ReloadState ?? ''),
      reloadStep: String(a.ReloadStep ?? ''),
      instances: instancesOf(a.Processes),
    }))
    .sort((a, b) => a.name.localeCompare(b.name))
}

/** What the logged-in user may do, as the console's own role check answers it (the viewer: nothing). */
export type Permissions = { act: boolean; logs: boolean }

export async function permissions(): Promise<Permissions> {
  try {
    const acl = (await request({ type: 'search', mbean: ACL_PATTERN })) as string[]
    if (!acl || acl.length === 0) return { act: true, logs: true } // no RBAC: the server decides
    const can = (op: string) =>
      exec(acl[0], 'canInvoke(java.lang.String,java.lang.String)', GOD, op).then(v => v === true)
    const [act, logs] = await Promise.all([can('stop'), can('tailLog')])
    return { act, logs }
  } catch {
    return { act: false, logs: false }
  }
}

export function beginReload(app: string): Promise<string> {
  return exec(GOD, 'beginReload', app, 0, false, '') as Promise<string>
}

export function reloadProgress(ticket: string, from: number): Promise<ReloadProgress> {
  return exec(GOD, 'reloadProgress', ticket, from) as Promise<ReloadProgress>
}

export function tailLog(id: number, stream: 'out' | 'err', lines: number): Promise<string[]> {
  return exec(GOD, 'tailLog', id, stream, lines) as Promise<string[]>
}
