//! The command surface shared by a single [`Connection`] and a [`Pool`]: generic print /
//! add / set / remove plus typed helpers for the menus Saring uses.
//!
//! [`Pool`]: crate::pool::Pool

use std::future::Future;
use std::time::{Duration, Instant};

use crate::client::Connection;
use crate::command::{Command, Response};
use crate::error::{Error, Result};
use crate::menus::{
    AddressListEntry, ArpEntry, DhcpLease, FirewallRule, FromRow, HotspotActive, HotspotHost,
    HotspotUser, HotspotUserProfile, IpBinding, SystemIdentity, SystemResource, WalledGarden,
    WalledGardenIp,
};
use crate::reply::Row;

/// Which firewall table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirewallTable {
    /// `/ip/firewall/filter`
    Filter,
    /// `/ip/firewall/raw`
    Raw,
}

impl FirewallTable {
    /// The menu path.
    #[must_use]
    pub fn path(self) -> &'static str {
        match self {
            Self::Filter => "/ip/firewall/filter",
            Self::Raw => "/ip/firewall/raw",
        }
    }
}

/// Something that runs RouterOS commands. Implemented by [`Connection`] and
/// [`Pool`](crate::pool::Pool); every helper below is built on [`Api::execute`].
pub trait Api: Sync {
    /// Runs one command and returns its rows and `!done` attributes.
    fn execute(&self, cmd: Command) -> impl Future<Output = Result<Response>> + Send;

    /// Runs a print and returns its rows.
    fn print(&self, cmd: Command) -> impl Future<Output = Result<Vec<Row>>> + Send {
        async move { Ok(self.execute(cmd).await?.rows) }
    }

    /// Prints a menu with the typed row's properties as `.proplist`, plus `queries`
    /// (`(name, value)` equality words, ANDed).
    fn list<T: FromRow + Send>(
        &self,
        queries: &[(&str, &str)],
    ) -> impl Future<Output = Result<Vec<T>>> + Send {
        self.list_at(T::PATH, queries)
    }

    /// Like [`Api::list`] for a menu whose rows have the same shape as `T` (e.g.
    /// `/ip/firewall/raw` read as [`FirewallRule`]).
    fn list_at<T: FromRow + Send>(
        &self,
        path: &str,
        queries: &[(&str, &str)],
    ) -> impl Future<Output = Result<Vec<T>>> + Send {
        let mut cmd = Command::print(path).proplist(T::FIELDS);
        for (k, v) in queries {
            cmd = cmd.query(k, v);
        }
        async move { self.print(cmd).await?.iter().map(T::from_row).collect() }
    }

    /// `add`: returns the new item's `.id`.
    fn add(
        &self,
        menu: &str,
        attrs: &[(&str, &str)],
    ) -> impl Future<Output = Result<String>> + Send {
        let cmd = Command::verb(menu, "add").attrs(attrs.iter().copied());
        async move {
            self.execute(cmd)
                .await?
                .ret()
                .ok_or_else(|| Error::Protocol("add returned no =ret= id".into()))
        }
    }

    /// `set` on one id (or a comma list of ids).
    fn set(
        &self,
        menu: &str,
        id: &str,
        attrs: &[(&str, &str)],
    ) -> impl Future<Output = Result<()>> + Send {
        let cmd = Command::verb(menu, "set")
            .id(id)
            .attrs(attrs.iter().copied());
        async move { self.execute(cmd).await.map(drop) }
    }

    /// `remove` of the given ids (sent as one comma list). No ids: nothing is sent.
    fn remove(&self, menu: &str, ids: &[&str]) -> impl Future<Output = Result<()>> + Send {
        let cmd = (!ids.is_empty()).then(|| Command::verb(menu, "remove").id(&ids.join(",")));
        async move {
            match cmd {
                Some(cmd) => self.execute(cmd).await.map(drop),
                None => Ok(()),
            }
        }
    }

    /// `print =count-only=` with equality queries.
    fn count(
        &self,
        menu: &str,
        queries: &[(&str, &str)],
    ) -> impl Future<Output = Result<u64>> + Send {
        let mut cmd = Command::print(menu).attr("count-only", "");
        for (k, v) in queries {
            cmd = cmd.query(k, v);
        }
        async move {
            let ret = self.execute(cmd).await?.ret().unwrap_or_default();
            ret.parse().map_err(|_| Error::BadValue {
                field: "ret".into(),
                value: ret,
            })
        }
    }

    /// `/system/identity/print` timed: a health check.
    fn ping(&self) -> impl Future<Output = Result<Duration>> + Send {
        async move {
            let started = Instant::now();
            self.identity().await?;
            Ok(started.elapsed())
        }
    }

    /// The router's identity name.
    fn identity(&self) -> impl Future<Output = Result<String>> + Send {
        async move { Ok(self.singleton::<SystemIdentity>().await?.name) }
    }

    /// `/system/identity/set =name=`.
    fn set_identity(&self, name: &str) -> impl Future<Output = Result<()>> + Send {
        let cmd = Command::new("/system/identity/set").attr("name", name);
        async move { self.execute(cmd).await.map(drop) }
    }

    /// `/system/resource/print`.
    fn resource(&self) -> impl Future<Output = Result<SystemResource>> + Send {
        self.singleton::<SystemResource>()
    }

    /// Prints a singleton menu (one row).
    fn singleton<T: FromRow + Send>(&self) -> impl Future<Output = Result<T>> + Send {
        async move {
            let rows = self.print(Command::print(T::PATH)).await?;
            let row = rows
                .first()
                .ok_or_else(|| Error::Protocol(format!("{} returned no row", T::PATH)))?;
            T::from_row(row)
        }
    }

    /// All `/ip/hotspot/host` rows.
    fn hotspot_hosts(&self) -> impl Future<Output = Result<Vec<HotspotHost>>> + Send {
        self.list(&[])
    }

    /// `/ip/hotspot/ip-binding` rows, optionally only for one MAC.
    fn ip_bindings(
        &self,
        mac: Option<&str>,
    ) -> impl Future<Output = Result<Vec<IpBinding>>> + Send {
        let mac = mac.map(str::to_ascii_uppercase);
        async move {
            match mac {
                Some(mac) => self.list(&[("mac-address", &mac)]).await,
                None => self.list(&[]).await,
            }
        }
    }

    /// `/ip/hotspot/user` rows, optionally only one name.
    fn hotspot_users(
        &self,
        name: Option<&str>,
    ) -> impl Future<Output = Result<Vec<HotspotUser>>> + Send {
        async move {
            match name {
                Some(name) => self.list(&[("name", name)]).await,
                None => self.list(&[]).await,
            }
        }
    }

    /// `/ip/hotspot/user/profile` rows.
    fn hotspot_profiles(&self) -> impl Future<Output = Result<Vec<HotspotUserProfile>>> + Send {
        self.list(&[])
    }

    /// `/ip/hotspot/active` rows.
    fn hotspot_active(&self) -> impl Future<Output = Result<Vec<HotspotActive>>> + Send {
        self.list(&[])
    }

    /// `/ip/hotspot/walled-garden` rows.
    fn walled_garden(&self) -> impl Future<Output = Result<Vec<WalledGarden>>> + Send {
        self.list(&[])
    }

    /// `/ip/hotspot/walled-garden/ip` rows.
    fn walled_garden_ip(&self) -> impl Future<Output = Result<Vec<WalledGardenIp>>> + Send {
        self.list(&[])
    }

    /// `/ip/firewall/address-list` rows, optionally filtered by list and/or address.
    fn address_list(
        &self,
        list: Option<&str>,
        address: Option<&str>,
    ) -> impl Future<Output = Result<Vec<AddressListEntry>>> + Send {
        let owned: Vec<(&'static str, String)> = [("list", list), ("address", address)]
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, v.to_owned())))
            .collect();
        async move {
            let queries: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (*k, v.as_str())).collect();
            self.list(&queries).await
        }
    }

    /// Rules of `/ip/firewall/filter` or `/ip/firewall/raw`.
    fn firewall_rules(
        &self,
        table: FirewallTable,
    ) -> impl Future<Output = Result<Vec<FirewallRule>>> + Send {
        self.list_at(table.path(), &[])
    }

    /// `/ip/dhcp-server/lease` rows.
    fn dhcp_leases(&self) -> impl Future<Output = Result<Vec<DhcpLease>>> + Send {
        self.list(&[])
    }

    /// `/ip/dhcp-server/lease/make-static =numbers=<id>`.
    fn make_static(&self, lease_id: &str) -> impl Future<Output = Result<()>> + Send {
        let cmd = Command::new("/ip/dhcp-server/lease/make-static").attr("numbers", lease_id);
        async move { self.execute(cmd).await.map(drop) }
    }

    /// `/ip/hotspot/host/make-binding =numbers=<id> =type=<kind>`.
    fn make_binding(
        &self,
        host_id: &str,
        kind: &str,
        comment: Option<&str>,
    ) -> impl Future<Output = Result<()>> + Send {
        let mut cmd = Command::new("/ip/hotspot/host/make-binding")
            .attr("numbers", host_id)
            .attr("type", kind);
        if let Some(comment) = comment {
            cmd = cmd.attr("comment", comment);
        }
        async move { self.execute(cmd).await.map(drop) }
    }

    /// `/ip/arp` rows.
    fn arp(&self) -> impl Future<Output = Result<Vec<ArpEntry>>> + Send {
        self.list(&[])
    }
}

impl Api for Connection {
    async fn execute(&self, cmd: Command) -> Result<Response> {
        Connection::execute(self, &cmd).await
    }
}
