//! Computes a [`KpiReport`]: each number is one small function over the
//! filtered incidents, following the definitions in the module notes.

use std::collections::{BTreeMap, BTreeSet};

use super::{
    ActionCounts, Backlog, Breakdown, DurationStats, Filter, Incident, KpiInput, KpiReport, Period,
    Recurring, Share, SlaCompliance, TrendPoint,
    period::{month_start_ms, next_month, previous_month},
};
use crate::{Priority, sla::SlaState, status::Status, time::DAY_MS};

/// The KPIs of `period` for the incidents that pass `filter`, standing at
/// `min(period end, now_ms)`.
pub fn report(input: &KpiInput<'_>, period: Period, filter: &Filter, now_ms: u64) -> KpiReport {
    let cut = cut_of(&period, now_ms);
    let (start, end) = (period.start_ms, cut);
    let incidents: Vec<&Incident> = input
        .incidents
        .iter()
        .filter(|i| filter.passes_at(i, cut))
        .collect();
    let resolved: Vec<&Incident> = incidents
        .iter()
        .copied()
        .filter(|i| !i.changes_to(Status::Resolved, start, end).is_empty())
        .collect();
    let count_to = |to: Status| {
        incidents
            .iter()
            .filter(|i| !i.changes_to(to, start, end).is_empty())
            .count()
    };
    let recordables = incidents
        .iter()
        .filter(|i| i.recordable && (start..end).contains(&i.occurred_ms))
        .filter(|i| i.statuses_before(u64::MAX).last().map(|s| s.1) != Some(Status::Cancelled))
        .count();
    let hours_worked = hours(input, filter, start, end);
    KpiReport {
        period,
        as_of_ms: cut,
        opened: incidents
            .iter()
            .filter(|i| opened_in(i, start, end))
            .count(),
        resolved: resolved.len(),
        closed: count_to(Status::Closed),
        cancelled: count_to(Status::Cancelled),
        backlog: backlog(&incidents, cut),
        mtta: stats(incidents.iter().filter_map(|i| {
            let at = i.first_response_before(end).filter(|&at| at >= start)?;
            Some(at - i.created_ms)
        })),
        mttr: stats(resolved.iter().map(|i| {
            let last = *i
                .changes_to(Status::Resolved, start, end)
                .last()
                .unwrap_or(&end);
            i.working_time_until(last)
        })),
        sla: compliance(&incidents, start, end),
        reopen_rate: Share::new(
            resolved.iter().filter(|i| i.reopened_before(end)).count(),
            resolved.len(),
        ),
        recurring: recurring(&incidents, start, end),
        actions: actions(input, filter, &incidents, cut),
        recordables,
        hours_worked,
        incident_rate: (hours_worked > 0.0).then(|| recordables as f64 * 200_000.0 / hours_worked),
        by_priority: by_priority(&incidents, start, end),
        by_category: breakdown(&incidents, start, end, |i| i.category.clone()),
        by_site: breakdown(&incidents, start, end, |i| i.site.clone()),
        trend: trend(&incidents, &period, now_ms),
    }
}

/// The instant a period's numbers stand at.
/// The moment a period's figures stand at: its end, or now while it runs.
pub fn cut_of(period: &Period, now_ms: u64) -> u64 {
    period.end_ms.min(now_ms).max(period.start_ms)
}

impl Filter {
    /// Whether `incident` passes as a report judges it: its priority as in
    /// force just before `cut`, so a month's figures stand as at its end.
    pub fn passes_at(&self, incident: &Incident, cut: u64) -> bool {
        self.passes_with(incident, priority_at(incident, cut))
    }

    /// Whether `incident` passes by its current values, as a list of
    /// incidents shows what is true now.
    pub fn passes_now(&self, incident: &Incident) -> bool {
        self.passes_with(incident, incident.priority)
    }

    fn passes_with(&self, incident: &Incident, priority: Option<Priority>) -> bool {
        let matches = |want: &Option<String>, have: Option<&str>| {
            want.as_deref().is_none_or(|w| Some(w) == have)
        };
        matches(&self.site, incident.site.as_deref())
            && matches(&self.category, incident.category.as_deref())
            && matches(&self.kind, Some(incident.kind.as_str()))
            && self.priority.is_none_or(|p| priority == Some(p))
    }
}

/// The priority in force just before `cut`.
fn priority_at(incident: &Incident, cut: u64) -> Option<Priority> {
    incident
        .priority
        .map(|_| incident.sla_at(cut.saturating_sub(1)).priority)
}

fn opened_in(incident: &Incident, start: u64, end: u64) -> bool {
    (start..end).contains(&incident.created_ms)
}

fn backlog(incidents: &[&Incident], cut: u64) -> Backlog {
    let mut b = Backlog::default();
    for i in incidents.iter().filter(|i| i.open_before(cut)) {
        b.open += 1;
        match (cut - i.created_ms) / DAY_MS {
            0..=2 => b.days_0_2 += 1,
            3..=7 => b.days_3_7 += 1,
            8..=30 => b.days_8_30 += 1,
            _ => b.over_30_days += 1,
        }
    }
    b
}

fn stats(durations: impl Iterator<Item = u64>) -> DurationStats {
    let mut all: Vec<u64> = durations.collect();
    all.sort_unstable();
    let n = all.len();
    if n == 0 {
        return DurationStats::default();
    }
    let mean = all.iter().map(|&d| d as f64).sum::<f64>() / n as f64;
    let median = if n % 2 == 1 {
        all[n / 2] as f64
    } else {
        (all[n / 2 - 1] as f64 + all[n / 2] as f64) / 2.0
    };
    DurationStats {
        count: n,
        mean_ms: Some(mean),
        median_ms: Some(median),
    }
}

/// `Some(met)` once a target is decided.
fn decided(state: SlaState) -> Option<bool> {
    match state {
        SlaState::Met { .. } => Some(true),
        SlaState::MetLate { .. } | SlaState::Breached { .. } => Some(false),
        _ => None,
    }
}

fn compliance(incidents: &[&Incident], start: u64, end: u64) -> SlaCompliance {
    let (mut response, mut resolution, mut update) = ((0, 0), (0, 0), (0, 0));
    let tally = |t: &mut (usize, usize), met: bool| {
        t.0 += usize::from(met);
        t.1 += 1;
    };
    for i in incidents.iter().filter(|i| i.created_ms < end) {
        // Finished before the period and untouched in it: every target was
        // decided or void already, so skip the replays (most of a year's data).
        let untouched = !i.events.iter().any(|e| (start..end).contains(&e.at_ms));
        if i.created_ms < start && !i.open_before(start) && untouched {
            continue;
        }
        // Just before the period; an incident logged in the period had
        // nothing decided then.
        let before = (i.created_ms < start).then(|| i.sla_at(start - 1));
        let after = i.sla_at(end - 1);
        let newly = |was: Option<SlaState>, now: SlaState| match was.and_then(decided) {
            Some(_) => None,
            None => decided(now),
        };
        if let Some(met) = newly(before.map(|r| r.response), after.response) {
            tally(&mut response, met);
        }
        if let Some(met) = newly(before.map(|r| r.resolution), after.resolution) {
            tally(&mut resolution, met);
        }
        if let Some(met) = update_kept(i, start, end) {
            tally(&mut update, met);
        }
    }
    let share = |(met, of)| Share::new(met, of);
    SlaCompliance {
        response: share(response),
        update: share(update),
        resolution: share(resolution),
    }
}

/// Whether the requestor-update cadence was kept through `[start, end)`;
/// `None` when no update was owed at any instant of it. Between two events
/// the overdue time only grows, so checking each event's instant, the
/// instant before it, the first instant and the last is enough.
fn update_kept(incident: &Incident, start: u64, end: u64) -> Option<bool> {
    let from = start.max(incident.created_ms);
    if from >= end {
        return None;
    }
    let mut instants = vec![from, end - 1];
    for e in &incident.events {
        instants.extend([e.at_ms.saturating_sub(1), e.at_ms]);
    }
    let mut owed = false;
    for t in instants.into_iter().filter(|t| (from..end).contains(t)) {
        match incident.sla_at(t).update {
            SlaState::Breached { .. } => return Some(false),
            SlaState::Pending { .. } => owed = true,
            _ => {}
        }
    }
    owed.then_some(true)
}

fn recurring(incidents: &[&Incident], start: u64, end: u64) -> Vec<Recurring> {
    let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for i in incidents.iter().filter(|i| opened_in(i, start, end)) {
        if let (Some(c), Some(s)) = (&i.category, &i.site) {
            *counts.entry((c, s)).or_default() += 1;
        }
    }
    let mut pairs: Vec<Recurring> = counts
        .into_iter()
        .filter(|&(_, n)| n >= 2)
        .map(|((category, site), count)| Recurring {
            category: category.to_owned(),
            site: site.to_owned(),
            count,
        })
        .collect();
    // Most first; ties stay in category, then site, order (stable sort).
    pairs.sort_by_key(|p| std::cmp::Reverse(p.count));
    pairs
}

fn actions(
    input: &KpiInput<'_>,
    filter: &Filter,
    incidents: &[&Incident],
    cut: u64,
) -> ActionCounts {
    let ids: BTreeSet<&str> = incidents.iter().map(|i| i.id.as_str()).collect();
    let everything = *filter == Filter::default();
    let mut counts = ActionCounts::default();
    for a in input.actions {
        let ours = everything || a.incident_id.as_deref().is_some_and(|id| ids.contains(id));
        if ours && a.outstanding_before(cut) {
            counts.open += 1;
            counts.overdue += usize::from(a.overdue_before(cut));
        }
    }
    counts
}

/// Hours worked in `[start, end)` at the filtered site (or every site):
/// each month's hours in proportion to the part of the month inside.
fn hours(input: &KpiInput<'_>, filter: &Filter, start: u64, end: u64) -> f64 {
    let mut total = 0.0;
    for ((site, year, month), &hours) in input.hours {
        if filter.site.as_ref().is_some_and(|s| s != site) {
            continue;
        }
        let (ny, nm) = next_month(*year, *month);
        let (Some(m0), Some(m1)) = (month_start_ms(*year, *month), month_start_ms(ny, nm)) else {
            continue;
        };
        let inside = end.min(m1).saturating_sub(start.max(m0));
        total += hours * inside as f64 / (m1 - m0) as f64;
    }
    total
}

fn count_row(incidents: &[&Incident], key: String, start: u64, end: u64) -> Breakdown {
    Breakdown {
        key,
        opened: incidents
            .iter()
            .filter(|i| opened_in(i, start, end))
            .count(),
        resolved: incidents
            .iter()
            .filter(|i| !i.changes_to(Status::Resolved, start, end).is_empty())
            .count(),
        backlog: incidents.iter().filter(|i| i.open_before(end)).count(),
    }
}

fn by_priority(incidents: &[&Incident], start: u64, end: u64) -> Vec<Breakdown> {
    // Evaluated once per incident: it replays the timeline.
    let priorities: Vec<(Option<Priority>, &Incident)> = incidents
        .iter()
        .map(|&i| (priority_at(i, end), i))
        .collect();
    let of = |p: Option<Priority>| -> Vec<&Incident> {
        priorities
            .iter()
            .filter(|(q, _)| *q == p)
            .map(|&(_, i)| i)
            .collect()
    };
    let mut rows: Vec<Breakdown> = [
        Priority::P1,
        Priority::P2,
        Priority::P3,
        Priority::P4,
        Priority::P5,
    ]
    .into_iter()
    .map(|p| count_row(&of(Some(p)), p.to_string(), start, end))
    .collect();
    let unknown = count_row(&of(None), String::new(), start, end);
    if unknown.opened + unknown.resolved + unknown.backlog > 0 {
        rows.push(unknown);
    }
    rows
}

fn breakdown(
    incidents: &[&Incident],
    start: u64,
    end: u64,
    key: impl Fn(&Incident) -> Option<String>,
) -> Vec<Breakdown> {
    let mut groups: BTreeMap<String, Vec<&Incident>> = BTreeMap::new();
    for &i in incidents {
        groups
            .entry(key(i).unwrap_or_default())
            .or_default()
            .push(i);
    }
    groups
        .into_iter()
        .map(|(k, list)| count_row(&list, k, start, end))
        .filter(|r| r.opened + r.resolved + r.backlog > 0)
        .collect()
}

fn trend(incidents: &[&Incident], period: &Period, now_ms: u64) -> Vec<TrendPoint> {
    let (mut year, mut month) = period.last_month();
    let mut points = Vec::with_capacity(12);
    for _ in 0..12 {
        if let Some(p) = Period::month(year, month) {
            let cut = cut_of(&p, now_ms);
            let row = count_row(incidents, String::new(), p.start_ms, cut);
            points.push(TrendPoint {
                year,
                month,
                opened: row.opened,
                resolved: row.resolved,
                backlog: row.backlog,
            });
        }
        (year, month) = previous_month(year, month);
    }
    points.reverse();
    points
}
