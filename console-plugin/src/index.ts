import { HawtioPlugin, hawtio } from '@hawtio/react'
import { SupervisorView } from './SupervisorView'

/** hawtio calls this once it has loaded our remote module (the default plugin entry name). */
export const plugin: HawtioPlugin = () => {
  hawtio.addPlugin({
    id: 'supervisor',
    title: 'Supervisor',
    path: '/supervisor',
    order: 1,
    component: SupervisorView,
    isActive: async () => true,
  })
}
