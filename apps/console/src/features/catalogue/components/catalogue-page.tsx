import type { SkillView } from '@mm/contracts';
import { useState } from 'react';
import { Button } from '../../../components/ui/button.tsx';
import { PageHeader, Panel } from '../../../components/ui/panel.tsx';
import { EmptyState, ErrorNotice, Loading, Notice } from '../../../components/ui/states.tsx';
import { Tag } from '../../../components/ui/status-badge.tsx';
import { useSession } from '../../session/hooks/use-session.ts';
import { useServices, useSkills, useUpsertSkill } from '../hooks/use-catalogue.ts';
import { SkillForm } from './skill-form.tsx';

/** Which skill the editor holds: a new one, an existing one, or none (closed). */
type Editing = { skill?: SkillView } | null;

function SkillEditor({ editing, onDone }: { editing: NonNullable<Editing>; onDone: () => void }) {
  const upsert = useUpsertSkill();
  return (
    <Panel title={editing.skill ? `Edit skill ${editing.skill.key}` : 'New skill'} testId="skill-editor">
      <SkillForm
        skill={editing.skill}
        busy={upsert.isPending}
        error={upsert.error}
        onCancel={onDone}
        onSubmit={(body) => upsert.mutate(body, { onSuccess: onDone })}
      />
    </Panel>
  );
}

/**
 * The catalogue: skills and services discovery routes to. Everyone reads it; only administrators
 * change it (403 FORBIDDEN otherwise, docs/trust.md), so others see no edit controls, and why.
 */
export function CataloguePage() {
  const { admin, principal } = useSession();
  const skills = useSkills();
  const services = useServices();
  const [editing, setEditing] = useState<Editing>(null);

  return (
    <div className="page">
      <PageHeader
        title="Catalogue"
        subtitle="The skills and services that discovery matches tasks against."
        actions={
          admin && !editing ? (
            <Button variant="primary" onClick={() => setEditing({})} data-testid="new-skill">
              New skill
            </Button>
          ) : null
        }
      />
      {!admin ? (
        <Notice testId="catalogue-read-only">
          Read-only for <strong>{principal}</strong>: changing the catalogue needs an administrator key (an owner listed
          in <code>MM_ADMIN_KEY_OWNERS</code>).
        </Notice>
      ) : null}
      {editing ? (
        <SkillEditor key={editing.skill?.key ?? ''} editing={editing} onDone={() => setEditing(null)} />
      ) : null}
      <Panel title="Skills">
        {skills.isPending ? (
          <Loading />
        ) : skills.isError ? (
          <ErrorNotice error={skills.error} onRetry={() => void skills.refetch()} />
        ) : skills.data.items.length === 0 ? (
          <EmptyState title="No skills" />
        ) : (
          <table className="table" data-testid="skills-table">
            <thead>
              <tr>
                <th>Key</th>
                <th>Label</th>
                <th>Provider</th>
                <th>Service types</th>
                <th>Mode</th>
                <th>Status</th>
                {admin ? <th aria-label="Actions" /> : null}
              </tr>
            </thead>
            <tbody>
              {skills.data.items.map((s) => (
                <tr key={s.key} data-testid="skill-row" data-skill-key={s.key}>
                  <td data-label="Key" className="mono">
                    {s.key}
                  </td>
                  <td data-label="Label">{s.label}</td>
                  <td data-label="Provider">{s.providerKey}</td>
                  <td data-label="Types">
                    {s.serviceTypes.map((t) => (
                      <Tag key={t}>{t}</Tag>
                    ))}
                  </td>
                  <td data-label="Mode">{s.executionMode}</td>
                  <td data-label="Status">{s.integrationStatus}</td>
                  {admin ? (
                    <td className="cell-actions">
                      <Button size="sm" onClick={() => setEditing({ skill: s })} data-testid="skill-edit">
                        Edit
                      </Button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
      <Panel title="Services">
        {services.isPending ? (
          <Loading />
        ) : services.isError ? (
          <ErrorNotice error={services.error} onRetry={() => void services.refetch()} />
        ) : services.data.items.length === 0 ? (
          <EmptyState title="No services" />
        ) : (
          <table className="table table--compact" data-testid="services-table">
            <thead>
              <tr>
                <th>Service</th>
                <th>Company</th>
                <th>Skill</th>
                <th>Type</th>
                <th>Mode</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {services.data.items.map((s) => (
                <tr key={s.id}>
                  <td data-label="Service">
                    <div className="strong">{s.name}</div>
                    <div className="mono small muted">{s.id}</div>
                  </td>
                  <td data-label="Company">{s.companyName}</td>
                  <td data-label="Skill" className="mono">
                    {s.skillKey}
                  </td>
                  <td data-label="Type">{s.serviceType}</td>
                  <td data-label="Mode">{s.executionMode}</td>
                  <td data-label="Status">{s.integrationStatus}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p className="muted small">
          Services carry pricing, hand-off and access details; administrators write them with{' '}
          <code>PUT /api/v1/market/services/:id</code>.
        </p>
      </Panel>
    </div>
  );
}
