//! Carrying out planned router writes: in phases (bindings, address lists and leases, host
//! rows, hotspot users), each phase pipelined on the router connection. Removing something already gone
//! and adding an entry that exists are successes (the router is as wanted).

use futures::StreamExt;
use saring_routeros::{Api, Pool};

use super::plan::Op;

const BINDING: &str = "/ip/hotspot/ip-binding";
const ADDRESS_LIST: &str = "/ip/firewall/address-list";
const HOST: &str = "/ip/hotspot/host";
const HOTSPOT_USER: &str = "/ip/hotspot/user";
const LEASE: &str = "/ip/dhcp-server/lease";

/// Commands in flight at once on a router.
const PIPELINE: usize = 32;

fn borrowed<'a>(attrs: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    attrs.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

async fn remove_ids(pool: &Pool, menu: &str, ids: &[String]) -> saring_routeros::Result<()> {
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    match pool.remove(menu, &refs).await {
        Ok(()) => Ok(()),
        // One id vanished (the whole comma list is refused): remove one by one.
        Err(e) if e.is_no_such_item() && ids.len() > 1 => {
            for id in ids {
                match pool.remove(menu, &[id.as_str()]).await {
                    Ok(()) => {}
                    Err(e) if e.is_no_such_item() => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(())
        }
        Err(e) if e.is_no_such_item() => Ok(()),
        Err(e) => Err(e),
    }
}

/// Runs one op.
pub async fn run_op(pool: &Pool, op: &Op) -> saring_routeros::Result<()> {
    match op {
        Op::AddBinding { attrs, .. } => pool.add(BINDING, &borrowed(attrs)).await.map(drop),
        Op::SetBinding { id, attrs } => pool.set(BINDING, id, &borrowed(attrs)).await,
        Op::RemoveBindings(ids) => remove_ids(pool, BINDING, ids).await,
        Op::AddEntry {
            list,
            address,
            comment,
        } => match pool
            .add(
                ADDRESS_LIST,
                &[("list", list), ("address", address), ("comment", comment)],
            )
            .await
        {
            Ok(_) => Ok(()),
            // Added concurrently by another writer: what we want exists.
            Err(e) if e.is_duplicate() => Ok(()),
            Err(e) => Err(e),
        },
        Op::SetEntryComment { id, comment } => {
            match pool.set(ADDRESS_LIST, id, &[("comment", comment)]).await {
                Err(e) if e.is_no_such_item() => Ok(()),
                other => other,
            }
        }
        Op::RemoveEntries(ids) => remove_ids(pool, ADDRESS_LIST, ids).await,
        Op::AddLease { attrs } => match pool.add(LEASE, &borrowed(attrs)).await {
            Ok(_) => Ok(()),
            // The MAC got a static lease meanwhile: it keeps it.
            Err(e) if e.is_duplicate() => Ok(()),
            Err(e) => Err(e),
        },
        Op::RemoveHosts(ids) => remove_ids(pool, HOST, ids).await,
        Op::SetHotspotUser { id, attrs } => pool.set(HOTSPOT_USER, id, &borrowed(attrs)).await,
    }
}

/// Runs ops in order, stopping at the first failure (the per-user path: the caller reports
/// the failure to the client or retries through the outbox).
pub async fn run_in_order(pool: &Pool, ops: &[Op]) -> saring_routeros::Result<()> {
    let mut sorted: Vec<&Op> = ops.iter().collect();
    sorted.sort_by_key(|op| op.phase());
    for op in sorted {
        run_op(pool, op).await?;
    }
    Ok(())
}

/// What a batch did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Applied {
    pub ops: usize,
    pub failed: usize,
    /// The first few failures, for the job record.
    pub errors: Vec<String>,
    /// Whether a failure looked like a network problem (retry the job).
    pub transient: bool,
}

/// Runs a batch phase by phase, pipelined; failures are collected, not fatal.
pub async fn run_batch(pool: &Pool, ops: Vec<Op>) -> Applied {
    let mut applied = Applied::default();
    let mut phases: [Vec<Op>; 4] = Default::default();
    for op in ops {
        let p = usize::from(op.phase()).min(3);
        phases[p].push(op);
    }
    for phase in phases {
        applied.ops += phase.len();
        let results: Vec<(Op, saring_routeros::Result<()>)> = futures::stream::iter(phase)
            .map(|op| async move {
                let r = run_op(pool, &op).await;
                (op, r)
            })
            .buffer_unordered(PIPELINE)
            .collect()
            .await;
        for (op, r) in results {
            if let Err(e) = r {
                applied.failed += 1;
                applied.transient |= e.is_transient();
                if applied.errors.len() < 5 {
                    applied.errors.push(format!("{op:?}: {e}"));
                }
            }
        }
    }
    applied
}
