import React, { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react'
import {
  Alert,
  Button,
  Card,
  CardBody,
  CardHeader,
  CardTitle,
  Flex,
  FlexItem,
  Label,
  Modal,
  ModalVariant,
  PageSection,
  Spinner,
  Text,
  TextContent,
  TextInput,
  Title,
  ToggleGroup,
  ToggleGroupItem,
} from '@patternfly/react-core'
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table'
import { App, Instance, Permissions, exec, permissions, readApps, tailLog } from './supervisor-api'
import { ReloadRun, currentRuns, dismiss, startReload, subscribe } from './reload-store'

const REFRESH_MS = 2000
const LOG_LINES = 40

type LabelColor = 'green' | 'blue' | 'orange' | 'red' | 'grey' | 'purple'

/** The daemon's vocabulary of instance states, coloured as pm2 does in `pm2 list`. */
function statusColor(status: string): LabelColor {
  if (status.startsWith('online')) return 'green'
  if (status.startsWith('launching') || status.startsWith('draining')) return 'blue'
  if (status.startsWith('waiting') || status.startsWith('stopping')) return 'orange'
  if (status.startsWith('errored')) return 'red'
  if (status.startsWith('stopped')) return 'grey'
  return 'purple'
}

const isErrored = (app: App) =>
  app.status.includes('errored') || app.instances.some(i => i.status === 'errored' || i.status === 'waiting restart')

function duration(ms: number): string {
  if (!ms || ms < 0) return '-'
  const s = Math.floor(ms / 1000)
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`
}

const cpu = (v?: number) => (typeof v === 'number' ? `${v.toFixed(1)}%` : '-')

function memory(v?: number): string {
  if (typeof v !== 'number') return '-'
  if (v >= 1 << 30) return `${(v / (1 << 30)).toFixed(1)} GiB`
  if (v >= 1 << 20) return `${(v / (1 << 20)).toFixed(1)} MiB`
  return `${(v / 1024).toFixed(0)} KiB`
}

function sum(instances: Instance[], field: 'cpuPercent' | 'memoryBytes'): number | undefined {
  const values = instances.map(i => i[field]).filter((v): v is number => typeof v === 'number')
  return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0)
}

/** An action waiting for the user's yes: what it does, said plainly. */
type Pending = { verb: string; app: App }

export const SupervisorView: React.FunctionComponent = () => {
  const [apps, setApps] = useState<App[] | null>(null)
  const [loadError, setLoadError] = useState<string>()
  const [perms, setPerms] = useState<Permissions>({ act: false, logs: false })
  const [pending, setPending] = useState<Pending | null>(null)
  const [scaleTo, setScaleTo] = useState('')
  const [busy, setBusy] = useState<string | null>(null)
  const [notice, setNotice] = useState<{ variant: 'success' | 'danger'; text: string } | null>(null)
  const [logTarget, setLogTarget] = useState<Instance | null>(null)
  const runs = useSyncExternalStore(subscribe, currentRuns)

  const refresh = useCallback(async () => {
    try {
      setApps(await readApps())
      setLoadError(undefined)
    } catch (e) {
      setLoadError(e instanceof Error ? e.message : String(e))
    }
  }, [])

  useEffect(() => {
    refresh()
    permissions().then(setPerms)
    const timer = setInterval(refresh, REFRESH_MS)
    return () => clearInterval(timer)
  }, [refresh])

  const run = async (verb: string, app: App, ...args: unknown[]) => {
    setBusy(`${verb}-${app.name}`)
    try {
      await exec(app.mbean, verb, ...args)
      setNotice({ variant: 'success', text: `${verb} ${app.name}: done` })
    } catch (e) {
      setNotice({ variant: 'danger', text: `${verb} ${app.name} failed: ${e instanceof Error ? e.message : e}` })
    } finally {
      setBusy(null)
      refresh()
    }
  }

  const scaleValue = Number(scaleTo)
  const scaleValid = Number.isInteger(scaleValue) && scaleValue >= 0 && scaleTo.trim() !== ''

  const confirm = () => {
    if (!pending) return
    const { verb, app } = pending
    setPending(null)
    if (verb === 'scale') {
      run('scale', app, scaleValue)
    } else {
      run(verb, app)
    }
  }

  const askScale = (app: App) => {
    setScaleTo(String(Math.max(app.instancesWanted, app.instances.length)))
    setPending({ verb: 'scale', app })
  }

  const actions = (app: App) => {
    const disabled = !perms.act || busy !== null
    const why = perms.act ? undefined : 'read-only: only the admin may act'
    const button = (verb: string, label: string, onClick: () => void, danger = false) => (
      <Button
        id={`action-${verb}-${app.name}`}
        key={verb}
        size='sm'
        variant='secondary'
        isDanger={danger}
        isDisabled={disabled}
        title={why}
        isLoading={busy === `${verb}-${app.name}`}
        onClick={onClick}
      >
        {label}
      </Button>
    )
    return (
      <Flex spaceItems={{ default: 'spaceItemsXs' }} flexWrap={{ default: 'nowrap' }}>
        {button('start', 'Start', () => run('start', app))}
        {button('reload', 'Reload', () => startReload(app.name))}
        {button('restart', 'Restart', () => setPending({ verb: 'restart', app }), true)}
        {button('stop', 'Stop', () => setPending({ verb: 'stop', app }), true)}
        {button('scale', 'Scale', () => askScale(app))}
      </Flex>
    )
  }


  return (
    <PageSection variant='light' id='supervisor-view'>
      <TextContent>
        <Title headingLevel='h1'>Supervisor</Title>
        <Text component='p'>{summary(apps)}</Text>
      </TextContent>

      {!perms.act && (
        <Alert
          id='read-only-notice'
          isInline
          variant='info'
          title='Read-only: you are logged in as a viewer. Actions and logs are for the admin.'
        />
      )}
      {loadError && <Alert isInline variant='danger' title={`Cannot read the apps: ${loadError}`} />}
      {notice && (
        <Alert
          id='action-notice'
          isInline
          variant={notice.variant}
          title={notice.text}
          actionClose={<Button variant='plain' aria-label='close' onClick={() => setNotice(null)}>×</Button>}
        />
      )}

      {apps === null ? (
        <Spinner aria-label='loading apps' />
      ) : (
        <Table id='supervisor-apps' aria-label='Apps and instances' variant='compact'>
          <Thead>
            <Tr>
              <Th modifier='nowrap'>App / instance</Th>
              <Th>Status</Th>
              <Th>PID</Th>
              <Th>Uptime</Th>
              <Th modifier='nowrap'>Restarts</Th>
              <Th>CPU</Th>
              <Th>Memory</Th>
              <Th>Port</Th>
              <Th>Actions</Th>
            </Tr>
          </Thead>
          {apps.length === 0 && (
            <Tbody>
              <Tr>
                <Td colSpan={9}>No apps. Start one with `supervisor start apps.yml`.</Td>
              </Tr>
            </Tbody>
          )}
          {apps.map(app => {
            const errored = isErrored(app)
            return (
              <Tbody key={app.name}>
                <Tr
                  id={`app-row-${app.name}`}
                  data-errored={errored}
                  style={{
                    background: errored ? 'var(--pf-v5-global--palette--red-50, #faeae8)' : undefined,
                    borderLeft: `4px solid ${errored ? 'var(--pf-v5-global--danger-color--100, #c9190b)' : 'transparent'}`,
                  }}
                >
                  <Td dataLabel='App' modifier='nowrap'>
                    <strong>{app.name}</strong>
                    {app.front !== 'none' && app.front && <small> ({app.front})</small>}
                  </Td>
                  <Td dataLabel='Status'>
                    <Label className='app-status' color={statusColor(app.status)} isCompact>
                      {app.status}
                    </Label>
                    {app.reloadState && app.reloadState !== 'idle' && (
                      <Label color='blue' isCompact>
                        reload: {app.reloadStep || app.reloadState}
                      </Label>
                    )}
                  </Td>
                  <Td dataLabel='PID'>-</Td>
                  <Td dataLabel='Uptime'>-</Td>
                  <Td dataLabel='Restarts'>{app.restarts}</Td>
                  <Td dataLabel='CPU'>{cpu(sum(app.instances, 'cpuPercent'))}</Td>
                  <Td dataLabel='Memory'>{memory(sum(app.instances, 'memoryBytes'))}</Td>
                  <Td dataLabel='Port'>{app.port || '-'}</Td>
                  <Td dataLabel='Actions'>{actions(app)}</Td>
                </Tr>
                {app.instances.map(i => (
                  <Tr key={i.id} id={`instance-row-${i.id}`} data-status={i.status}>
                    <Td dataLabel='Instance' modifier='nowrap' style={{ paddingLeft: '2em' }}>
                      {app.name} #{i.instanceIndex} <small>(id {i.id})</small>
                    </Td>
                    <Td dataLabel='Status'>
                      <Label className='instance-status' color={statusColor(i.status)} isCompact>
                        {i.status}
                      </Label>
                      {i.lastExit && i.status !== 'online' && <small> {i.lastExit}</small>}
                    </Td>
                    <Td dataLabel='PID'>{i.pid || '-'}</Td>
                    <Td dataLabel='Uptime'>{i.status === 'online' ? duration(i.uptimeMillis) : '-'}</Td>
                    <Td dataLabel='Restarts'>{i.restarts}</Td>
                    <Td dataLabel='CPU'>{cpu(i.cpuPercent)}</Td>
                    <Td dataLabel='Memory'>{memory(i.memoryBytes)}</Td>
                    <Td dataLabel='Port'>{i.privatePort || '-'}</Td>
                    <Td dataLabel='Actions'>
                      <Button
                        id={`logs-${i.id}`}
                        size='sm'
                        variant='link'
                        isInline
                        isDisabled={!perms.logs}
                        title={perms.logs ? undefined : 'logs may hold secrets: admin only'}
                        onClick={() => setLogTarget(i)}
                      >
                        Logs
                      </Button>
                    </Td>
                  </Tr>
                ))}
              </Tbody>
            )
          })}
        </Table>
      )}

      {runs.map(r => (
        <ReloadPanel key={`${r.app}-${r.startedAt}`} run={r} />
      ))}

      {logTarget && perms.logs && <LogPanel instance={logTarget} onClose={() => setLogTarget(null)} />}

      <Modal
        id='confirm-dialog'
        variant={ModalVariant.small}
        title={pending ? `${capitalize(pending.verb)} ${pending.app.name}?` : ''}
        titleIconVariant='warning'
        isOpen={pending !== null}
        onClose={() => setPending(null)}
        actions={[
          <Button
            id='confirm-action'
            key='confirm'
            variant='danger'
            isDisabled={pending?.verb === 'scale' && !scaleValid}
            onClick={confirm}
          >
            {pending ? capitalize(pending.verb) : ''}
          </Button>,
          <Button id='cancel-action' key='cancel' variant='link' onClick={() => setPending(null)}>
            Cancel
          </Button>,
        ]}
      >
        {pending?.verb === 'stop' &&
          `All ${pending.app.instances.length} instance(s) of ${pending.app.name} will be stopped and stay stopped until started again.`}
        {pending?.verb === 'restart' &&
          `All ${pending.app.instances.length} instance(s) of ${pending.app.name} will be killed and started again: requests in flight may fail. Reload replaces them without dropping requests.`}
        {pending?.verb === 'scale' && (
          <>
            <Text component='p'>Number of instances of {pending.app.name}:</Text>
            <TextInput
              id='scale-instances'
              type='number'
              aria-label='instances'
              value={scaleTo}
              validated={scaleValid ? 'default' : 'error'}
              onChange={(_e, v) => setScaleTo(v)}
            />
          </>
        )}
      </Modal>
    </PageSection>
  )
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

function summary(apps: App[] | null): string {
  if (!apps) return 'Loading…'
  const all = apps.flatMap(a => a.instances)
  const count = (s: string) => all.filter(i => i.status === s).length
  const errored = apps.filter(isErrored).length
  return (
    `${apps.length} app(s), ${all.length} instance(s): ${count('online')} online, ${count('stopped')} stopped, ` +
    `${count('errored') + count('waiting restart')} errored or waiting restart` +
    (errored > 0 ? ` — ${errored} app(s) need attention` : '')
  )
}

/** The steps of one reload as they come, then its result; stays until dismissed. */
const ReloadPanel: React.FunctionComponent<{ run: ReloadRun }> = ({ run }) => {
  const result = run.results.find(r => r.app === run.app) ?? run.results[0]
  const ok = result && result.outcome === 'done'
  const steps = useRef<HTMLPreElement>(null)
  // Follow the newest step, as a terminal would.
  useEffect(() => {
    if (steps.current) steps.current.scrollTop = steps.current.scrollHeight
  }, [run.lines.length])
  return (
    <Card id={`reload-panel-${run.app}`} className='reload-panel' isCompact style={{ marginTop: '1em' }}>
      <CardHeader
        actions={{
          actions: (
            <Button variant='link' isInline isDisabled={!run.finished} onClick={() => dismiss(run)}>
              Dismiss
            </Button>
          ),
          hasNoOffset: true,
        }}
      >
        <CardTitle>
          Reload of {run.app} <small>started {new Date(run.startedAt).toLocaleTimeString()}</small>{' '}
          {!run.finished && <Spinner size='md' aria-label='reload running' />}
        </CardTitle>
      </CardHeader>
      <CardBody>
        <pre ref={steps} className='reload-steps' style={{ fontSize: '0.85em', maxHeight: '16em', overflow: 'auto' }}>
          {run.lines.length === 0 && !run.finished ? 'starting…' : run.lines.join('\n')}
        </pre>
        {run.error && <Alert className='reload-result' isInline variant='danger' title={`Reload failed: ${run.error}`} />}
        {result && (
          <Alert
            className='reload-result'
            isInline
            variant={ok ? 'success' : 'danger'}
            title={
              `Reload ${result.outcome}: ${result.replaced} replaced, ${result.failed} failed in ` +
              `${(result.durationMillis / 1000).toFixed(1)} s` +
              (result.reason ? ` — ${result.reason}` : '')
            }
          />
        )}
      </CardBody>
    </Card>
  )
}

/** The last lines of one instance's log, read again every 2 s while shown. */
const LogPanel: React.FunctionComponent<{ instance: Instance; onClose: () => void }> = ({ instance, onClose }) => {
  const [stream, setStream] = useState<'out' | 'err'>('out')
  const [lines, setLines] = useState<string[] | null>(null)
  const [error, setError] = useState<string>()
  const [readAt, setReadAt] = useState<Date>()

  useEffect(() => {
    let live = true
    const read = () =>
      tailLog(instance.id, stream, LOG_LINES)
        .then(l => {
          if (live) {
            setLines(l)
            setError(undefined)
            setReadAt(new Date())
          }
        })
        .catch(e => live && setError(e instanceof Error ? e.message : String(e)))
    setLines(null)
    read()
    const timer = setInterval(read, REFRESH_MS)
    return () => {
      live = false
      clearInterval(timer)
    }
  }, [instance.id, stream])

  return (
    <Card id='log-panel' isCompact style={{ marginTop: '1em' }}>
      <CardHeader
        actions={{
          actions: (
            <Button variant='link' isInline onClick={onClose}>
              Close
            </Button>
          ),
          hasNoOffset: true,
        }}
      >
        <CardTitle>
          <Flex>
            <FlexItem>
              Logs of {instance.name} #{instance.instanceIndex} (id {instance.id}), last {LOG_LINES} lines
            </FlexItem>
            <FlexItem>
              <ToggleGroup isCompact aria-label='stream'>
                <ToggleGroupItem id='log-out' text='out' isSelected={stream === 'out'} onChange={() => setStream('out')} />
                <ToggleGroupItem id='log-err' text='err' isSelected={stream === 'err'} onChange={() => setStream('err')} />
              </ToggleGroup>
            </FlexItem>
            {readAt && (
              <FlexItem>
                <small>read {readAt.toLocaleTimeString()}</small>
              </FlexItem>
            )}
          </Flex>
        </CardTitle>
      </CardHeader>
      <CardBody>
        {error && <Alert isInline variant='danger' title={`Cannot read the log: ${error}`} />}
        <pre id='log-tail' style={{ fontSize: '0.85em', maxHeight: '24em', overflow: 'auto' }}>
          {lines === null ? 'reading…' : lines.length === 0 ? '(empty)' : lines.join('\n')}
        </pre>
      </CardBody>
    </Card>
  )
}
