import React from 'react'
import { PageSection, Title } from '@patternfly/react-core'

export const SupervisorView: React.FunctionComponent = () => (
  <PageSection variant='light'>
    <Title headingLevel='h1'>Supervisor</Title>
  </PageSection>
)
