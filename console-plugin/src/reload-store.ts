import { ReloadResult, beginReload, reloadProgress } from './supervisor-api'

/**
 * The reloads started from this page, kept outside React: a reload re-registers MBeans and hawtio may rebuild
 * its views, but the steps and the result stay until the user dismisses them.
 */
export type ReloadRun = {
  app: string
  startedAt: number
  lines: string[]
  finished: boolean
  results: ReloadResult[]
  error?: string
}

let runs: ReloadRun[] = []
const listeners = new Set<() => void>()

function publish(): void {
  runs = runs.slice()
  listeners.forEach(l => l())
}

export function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export function currentRuns(): ReloadRun[] {
  return runs
}

export function dismiss(run: ReloadRun): void {
  runs = runs.filter(r => r !== run)
  publish()
}

/** Starts a reload through the God and follows its steps (reloadProgress long-polls) until it ends. */
export async function startReload(app: string): Promise<void> {
  const run: ReloadRun = { app, startedAt: Date.now(), lines: [], finished: false, results: [] }
  runs = [run, ...runs.filter(r => r.app !== app || !r.finished)]
  publish()
  try {
    const ticket = await beginReload(app)
    let from = 0
    // Every wait has a deadline: a reload longer than this is still shown, just no longer followed.
    const deadline = Date.now() + 15 * 60 * 1000
    while (Date.now() < deadline) {
      const progress = await reloadProgress(ticket, from)
      run.lines = run.lines.concat(progress.lines ?? [])
      from = progress.next
      if (progress.finished) {
        run.results = progress.results ?? []
        run.finished = true
        publish()
        return
      }
      publish()
    }
    throw new Error('stopped following after 15 minutes; see the App MBean LastReload')
  } catch (e) {
    run.error = e instanceof Error ? e.message : String(e)
    run.finished = true
    publish()
  }
}
