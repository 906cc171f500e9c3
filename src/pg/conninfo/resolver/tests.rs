//! Resolution against a fake outside world: every precedence rule, default and refusal
//! of libpq's, one table of cases each.

use super::*;
use crate::pg::conninfo::Flags;
use crate::pg::conninfo::test_support::{ErrorCheck, World, flags};

/// name, world, flags, positional, expected error
type ErrorRow = (
    &'static str,
    World,
    Flags,
    Option<&'static str>,
    Box<ErrorCheck<'static>>,
);
/// name, world, positional, expected sslmode and root certificate
type TlsRow = (
    &'static str,
    World,
    Option<&'static str>,
    SslMode,
    Option<RootCert>,
);
/// name, world, flags, positional, expected password and its source
type PasswordRow = (
    &'static str,
    World,
    Flags,
    Option<&'static str>,
    Option<&'static str>,
    Option<PasswordSource>,
);

const SERVICES: &str = "[svc]\nhost=svchost\nport=7000\n[other]\nhost=otherhost\n";

struct Case {
    name: &'static str,
    world: World,
    flags: Flags,
    positional: Option<&'static str>,
    want: &'static str,
}

fn case(
    name: &'static str,
    world: World,
    positional: Option<&'static str>,
    want: &'static str,
) -> Case {
    Case {
        name,
        world,
        flags: Flags::default(),
        positional,
        want,
    }
}

#[test]
fn precedence_of_sources() {
    let svc_file = [("~/.pg_service.conf", SERVICES)];
    let cases = [
        case("defaults", World::new(), None, "alice@/tmp:5432/alice"),
        case(
            "environment",
            World::new().env(&[
                ("PGHOST", "envhost"),
                ("PGPORT", "6000"),
                ("PGUSER", "eu"),
                ("PGDATABASE", "edb"),
            ]),
            None,
            "eu@envhost:6000/edb",
        ),
        case(
            "dbname defaults to the resolved user",
            World::new().env(&[("PGUSER", "eu")]),
            None,
            "eu@/tmp:5432/eu",
        ),
        case(
            "empty variables count as unset",
            World::new().env(&[("PGHOST", ""), ("PGPORT", ""), ("PGUSER", "")]),
            None,
            "alice@/tmp:5432/alice",
        ),
        case(
            "service file beats environment",
            World::new()
                .env(&[
                    ("PGSERVICE", "svc"),
                    ("PGHOST", "envhost"),
                    ("PGUSER", "eu"),
                ])
                .files(&svc_file),
            None,
            "eu@svchost:7000/eu",
        ),
        case(
            "conninfo beats service file",
            World::new().env(&[("PGSERVICE", "svc")]).files(&svc_file),
            Some("host=poshost"),
            "alice@poshost:7000/alice",
        ),
        case(
            "service named in the conninfo",
            World::new().files(&svc_file),
            Some("service=svc dbname=d"),
            "alice@svchost:7000/d",
        ),
        case(
            "conninfo service beats PGSERVICE",
            World::new().env(&[("PGSERVICE", "other")]).files(&svc_file),
            Some("service=svc"),
            "alice@svchost:7000/alice",
        ),
        case(
            "service named in a URI",
            World::new().files(&svc_file),
            Some("postgresql:///db?service=svc"),
            "alice@svchost:7000/db",
        ),
        case(
            "bare dbname positional",
            World::new().env(&[("PGDATABASE", "edb")]),
            Some("mydb"),
            "alice@/tmp:5432/mydb",
        ),
        case(
            "URI positional",
            World::new().env(&[("PGPORT", "6000")]),
            Some("postgresql://bob@db.example:5433/sales"),
            "bob@db.example:5433/sales",
        ),
        case(
            "URI socket directory",
            World::new(),
            Some("postgresql://%2Fvar%2Frun%2Fpostgresql/db"),
            "alice@/var/run/postgresql:5432/db",
        ),
        case(
            "URI query parameters",
            World::new(),
            Some("postgresql:///db?host=/tmp&port=6000"),
            "alice@/tmp:6000/db",
        ),
        case(
            "URI without parts keeps the environment",
            World::new().env(&[("PGHOST", "envhost"), ("PGDATABASE", "edb")]),
            Some("postgresql://"),
            "alice@envhost:5432/edb",
        ),
        case(
            "URI IPv6 host",
            World::new(),
            Some("postgresql://[::1]:5433/db"),
            "alice@[::1]:5433/db",
        ),
        case(
            "empty conninfo host blocks PGHOST",
            World::new().env(&[("PGHOST", "envhost")]),
            Some("host=''"),
            "alice@/tmp:5432/alice",
        ),
        case(
            "last duplicate wins",
            World::new(),
            Some("host=h port=1 port=2"),
            "alice@h:2/alice",
        ),
        case(
            "hostaddr alone",
            World::new(),
            Some("hostaddr=10.0.0.5"),
            "alice@10.0.0.5:5432/alice",
        ),
        case(
            "host names the server, hostaddr is where to connect",
            World::new(),
            Some("host=db.example hostaddr=10.0.0.5"),
            "alice@db.example:5432/alice",
        ),
        case(
            "PGHOSTADDR",
            World::new().env(&[("PGHOSTADDR", "::1")]),
            None,
            "alice@[::1]:5432/alice",
        ),
        case(
            "PGSERVICEFILE replaces ~/.pg_service.conf",
            World::new()
                .env(&[("PGSERVICE", "svc"), ("PGSERVICEFILE", "/etc/custom.conf")])
                .files(&[
                    ("~/.pg_service.conf", "[svc]\nhost=homehost\n"),
                    ("/etc/custom.conf", "[svc]\nhost=customhost\n"),
                ]),
            None,
            "alice@customhost:5432/alice",
        ),
        case(
            "servicefile keyword",
            World::new().files(&[("/etc/custom.conf", "[svc]\nhost=customhost\n")]),
            Some("service=svc servicefile=/etc/custom.conf"),
            "alice@customhost:5432/alice",
        ),
        case(
            "system file when the user file lacks the section",
            World::new()
                .env(&[("PGSERVICE", "svc"), ("PGSYSCONFDIR", "/opt/pg/etc")])
                .files(&[
                    ("~/.pg_service.conf", "[other]\nhost=x\n"),
                    ("/opt/pg/etc/pg_service.conf", "[svc]\nhost=syshost\n"),
                ]),
            None,
            "alice@syshost:5432/alice",
        ),
        case(
            "default system directory",
            World::new().env(&[("PGSERVICE", "svc")]).files(&[(
                "/etc/postgresql-common/pg_service.conf",
                "[svc]\nhost=debhost\n",
            )]),
            None,
            "alice@debhost:5432/alice",
        ),
        case(
            "user file section hides the system one",
            World::new().env(&[("PGSERVICE", "svc")]).files(&[
                ("~/.pg_service.conf", "[svc]\nhost=homehost\n"),
                (
                    "/etc/postgresql-common/pg_service.conf",
                    "[svc]\nhost=debhost\nport=1\n",
                ),
            ]),
            None,
            "alice@homehost:5432/alice",
        ),
        case(
            "missing PGSERVICEFILE falls back to the system file",
            World::new()
                .env(&[("PGSERVICE", "svc"), ("PGSERVICEFILE", "/nope.conf")])
                .files(&[(
                    "/etc/postgresql-common/pg_service.conf",
                    "[svc]\nhost=debhost\n",
                )]),
            None,
            "alice@debhost:5432/alice",
        ),
        Case {
            name: "flags beat conninfo",
            world: World::new(),
            flags: flags(Some("flaghost"), Some("1234"), Some("fu"), Some("fd")),
            positional: Some("host=poshost port=1 user=pu dbname=pd"),
            want: "fu@flaghost:1234/fd",
        },
        Case {
            name: "flags beat service and environment",
            world: World::new()
                .env(&[("PGSERVICE", "svc"), ("PGPORT", "6000")])
                .files(&svc_file),
            flags: flags(Some("flaghost"), Some("1234"), None, None),
            positional: None,
            want: "alice@flaghost:1234/alice",
        },
        Case {
            name: "empty flags count as unset",
            world: World::new().env(&[("PGHOST", "envhost")]),
            flags: flags(Some(""), Some(""), Some(""), Some("")),
            positional: None,
            want: "alice@envhost:5432/alice",
        },
        Case {
            name: "-d holding a conninfo",
            world: World::new(),
            flags: flags(
                None,
                None,
                Some("fu"),
                Some("host=dhost dbname=ddb user=du"),
            ),
            positional: Some("host=poshost port=2345"),
            want: "fu@dhost:2345/ddb",
        },
        Case {
            name: "-d holding a URI",
            world: World::new().env(&[("PGPORT", "6000")]),
            flags: flags(None, None, None, Some("postgresql://du@dhost/ddb")),
            positional: None,
            want: "du@dhost:6000/ddb",
        },
        Case {
            name: "-d conninfo naming a service",
            world: World::new().files(&svc_file),
            flags: flags(None, Some("1"), None, Some("service=svc")),
            positional: None,
            want: "alice@svchost:1/alice",
        },
        Case {
            name: "plain -d beats the positional dbname",
            world: World::new(),
            flags: flags(None, None, None, Some("fd")),
            positional: Some("dbname=pd host=h"),
            want: "alice@h:5432/fd",
        },
    ];
    for case in cases {
        let got = case
            .world
            .resolve(case.flags, case.positional)
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        assert_eq!(got.display_target(), case.want, "{}", case.name);
    }
}

#[test]
fn records_the_service_used() {
    let world = World::new().files(&[("~/.pg_service.conf", SERVICES)]);
    assert_eq!(
        world.params(Some("service=svc")).service.as_deref(),
        Some("svc")
    );
    assert_eq!(world.params(Some("host=h")).service, None);
}

#[test]
fn errors() {
    type Check = fn(&ConnInfoError) -> bool;
    let bad = |key: &'static str| -> Box<ErrorCheck> {
        Box::new(move |e| matches!(e, ConnInfoError::BadValue { key: k, .. } if k == key))
    };
    let svc = |text: &'static str| {
        World::new()
            .env(&[("PGSERVICE", "svc")])
            .files(&[("~/.pg_service.conf", text)])
    };
    let service_file = |reason: &'static str| -> Box<ErrorCheck> {
        Box::new(move |e| {
            matches!(e, ConnInfoError::ServiceFile { file, reason: r }
                    if file == "/home/alice/.pg_service.conf" && r.contains(reason))
        })
    };
    let multiple: Check = |e| matches!(e, ConnInfoError::MultipleHosts(_));
    let cases: Vec<ErrorRow> = vec![
        (
            "missing service",
            World::new().env(&[("PGSERVICE", "nope")]),
            Flags::default(),
            None,
            Box::new(|e| *e == ConnInfoError::ServiceNotFound("nope".to_owned())),
        ),
        (
            "missing service named in conninfo",
            World::new().files(&[("~/.pg_service.conf", SERVICES)]),
            Flags::default(),
            Some("service=nope"),
            Box::new(|e| matches!(e, ConnInfoError::ServiceNotFound(n) if n == "nope")),
        ),
        (
            "service line without =",
            svc("[svc]\nhost\n"),
            Flags::default(),
            None,
            service_file("line 2"),
        ),
        (
            "nested service",
            svc("[svc]\nservice=x\n"),
            Flags::default(),
            None,
            service_file("nested"),
        ),
        (
            "unknown service keyword",
            svc("\n[svc]\nhots=x\n"),
            Flags::default(),
            None,
            service_file("\"hots\" on line 3"),
        ),
        (
            "host list",
            World::new(),
            Flags::default(),
            Some("host=a,b"),
            Box::new(|e| *e == ConnInfoError::MultipleHosts("a,b".to_owned())),
        ),
        (
            "PGHOST list",
            World::new().env(&[("PGHOST", "a,b")]),
            Flags::default(),
            None,
            Box::new(multiple),
        ),
        (
            "hostaddr list",
            World::new(),
            Flags::default(),
            Some("hostaddr=10.0.0.1,10.0.0.2"),
            Box::new(multiple),
        ),
        (
            "-p list",
            World::new(),
            flags(None, Some("5432,5433"), None, None),
            None,
            Box::new(multiple),
        ),
        (
            "URI host list",
            World::new(),
            Flags::default(),
            Some("postgresql://a,b/db"),
            Box::new(multiple),
        ),
        (
            "port zero",
            World::new(),
            Flags::default(),
            Some("port=0"),
            bad("port"),
        ),
        (
            "PGPORT text",
            World::new().env(&[("PGPORT", "abc")]),
            Flags::default(),
            None,
            bad("port"),
        ),
        (
            "bad sslmode",
            World::new(),
            Flags::default(),
            Some("sslmode=verify"),
            bad("sslmode"),
        ),
        (
            "bad connect_timeout",
            World::new(),
            Flags::default(),
            Some("connect_timeout=soon"),
            bad("connect_timeout"),
        ),
        (
            "bad keepalives",
            World::new(),
            Flags::default(),
            Some("keepalives=on"),
            bad("keepalives"),
        ),
        (
            "bad keepalives_count",
            World::new(),
            Flags::default(),
            Some("keepalives_count=x"),
            bad("keepalives_count"),
        ),
        (
            "bad keepalives_interval",
            World::new(),
            Flags::default(),
            Some("keepalives_interval=x"),
            bad("keepalives_interval"),
        ),
        (
            "target_session_attrs",
            World::new().env(&[("PGTARGETSESSIONATTRS", "read-write")]),
            Flags::default(),
            None,
            bad("target_session_attrs"),
        ),
        (
            "gssencmode=require",
            World::new(),
            Flags::default(),
            Some("gssencmode=require"),
            bad("gssencmode"),
        ),
        (
            "bad channel_binding",
            World::new(),
            Flags::default(),
            Some("channel_binding=maybe"),
            bad("channel_binding"),
        ),
        (
            "hostaddr not numeric",
            World::new(),
            Flags::default(),
            Some("hostaddr=db.example"),
            bad("hostaddr"),
        ),
        (
            "weak sslmode with system roots",
            World::new(),
            Flags::default(),
            Some("sslrootcert=system sslmode=require"),
            Box::new(|e| {
                *e == ConnInfoError::BadValue {
                    key: "sslmode".to_owned(),
                    value: "require".to_owned(),
                    reason:
                        "weak sslmode may not be used with sslrootcert=system (use verify-full)"
                            .to_owned(),
                }
            }),
        ),
        (
            "PGSSLMODE weaker than system roots",
            World::new().env(&[("PGSSLMODE", "verify-ca"), ("PGSSLROOTCERT", "system")]),
            Flags::default(),
            None,
            bad("sslmode"),
        ),
        (
            "unknown keyword",
            World::new(),
            Flags::default(),
            Some("bogus=1"),
            Box::new(|e| matches!(e, ConnInfoError::UnknownOption(n) if n == "bogus")),
        ),
        (
            "conninfo syntax",
            World::new(),
            Flags::default(),
            Some("host=x dbname"),
            Box::new(|e| matches!(e, ConnInfoError::Syntax(_))),
        ),
        (
            "bad -d conninfo",
            World::new(),
            flags(None, None, None, Some("dbname='x")),
            None,
            Box::new(|e| matches!(e, ConnInfoError::Syntax(_))),
        ),
        (
            "URI escape",
            World::new(),
            Flags::default(),
            Some("postgresql://u:pw@h/%zz"),
            Box::new(|e| matches!(e, ConnInfoError::Uri(_))),
        ),
        (
            "unknown OS user",
            World::new().os_user(""),
            Flags::default(),
            None,
            bad("user"),
        ),
    ];
    for (name, world, flags, positional, check) in cases {
        match world.resolve(flags, positional) {
            Err(e) => assert!(check(&e), "{name}: {e:?}"),
            Ok(params) => panic!("{name}: resolved to {params:?}"),
        }
    }
}

#[test]
fn default_socket_directory() {
    let cases: &[(&[&str], Option<&str>, &str)] = &[
        (&[], None, "/tmp"),
        (&["/var/run/postgresql"], None, "/var/run/postgresql"),
        (&["/var/run/postgresql", "/tmp/.s.PGSQL.5432"], None, "/tmp"),
        (
            &["/var/run/postgresql/.s.PGSQL.5432", "/tmp/.s.PGSQL.5432"],
            None,
            "/var/run/postgresql",
        ),
        (
            &["/var/run/postgresql", "/tmp/.s.PGSQL.5433"],
            None,
            "/var/run/postgresql",
        ),
        (
            &["/var/run/postgresql", "/tmp/.s.PGSQL.5433"],
            Some("5433"),
            "/tmp",
        ),
    ];
    for (existing, port, want) in cases {
        let params = World::new()
            .existing(existing)
            .resolve(flags(None, *port, None, None), None)
            .unwrap_or_else(|e| panic!("{existing:?}: {e}"));
        assert_eq!(
            params.host,
            Host::Socket(PathBuf::from(want)),
            "{existing:?} {port:?}"
        );
    }
}

#[test]
fn tls_settings() {
    let root_crt = "~/.postgresql/root.crt";
    let file = |p: &str| Some(RootCert::File(PathBuf::from(p)));
    let cases: Vec<TlsRow> = vec![
        ("defaults", World::new(), None, SslMode::Prefer, None),
        (
            "root.crt when it exists",
            World::new().existing(&[root_crt]),
            None,
            SslMode::Prefer,
            file("/home/alice/.postgresql/root.crt"),
        ),
        (
            "no home, no root.crt",
            World::new().existing(&[root_crt]).without_home(),
            None,
            SslMode::Prefer,
            None,
        ),
        (
            "explicit file",
            World::new().existing(&[root_crt]),
            Some("sslrootcert=/etc/ca.pem"),
            SslMode::Prefer,
            file("/etc/ca.pem"),
        ),
        (
            "no ~ expansion",
            World::new(),
            Some("sslrootcert=~/ca.pem"),
            SslMode::Prefer,
            file("~/ca.pem"),
        ),
        (
            "system defaults to verify-full",
            World::new(),
            Some("sslrootcert=system"),
            SslMode::VerifyFull,
            Some(RootCert::System),
        ),
        (
            "PGSSLROOTCERT=system",
            World::new().env(&[("PGSSLROOTCERT", "system")]),
            None,
            SslMode::VerifyFull,
            Some(RootCert::System),
        ),
        (
            "system with verify-full",
            World::new(),
            Some("sslrootcert=system sslmode=verify-full"),
            SslMode::VerifyFull,
            Some(RootCert::System),
        ),
        (
            "PGSSLMODE",
            World::new().env(&[("PGSSLMODE", "require")]),
            None,
            SslMode::Require,
            None,
        ),
        (
            "conninfo sslmode beats PGSSLMODE",
            World::new().env(&[("PGSSLMODE", "require")]),
            Some("sslmode=verify-ca"),
            SslMode::VerifyCa,
            None,
        ),
        (
            "socket host keeps sslmode",
            World::new(),
            Some("host=/tmp sslmode=disable"),
            SslMode::Disable,
            None,
        ),
    ];
    for (name, world, positional, sslmode, rootcert) in cases {
        let params = world.params(positional);
        assert_eq!(params.sslmode, sslmode, "{name}");
        assert_eq!(params.sslrootcert, rootcert, "{name}");
    }
}

#[test]
fn connect_timeout_sources() {
    let cases = [
        (None, None, 5),
        (None, Some("10"), 10),
        (Some("connect_timeout=1"), Some("10"), 2),
        (Some("connect_timeout=0"), None, 5),
        (Some("connect_timeout=''"), Some("10"), 5),
    ];
    for (positional, env, want) in cases {
        let mut world = World::new();
        if let Some(value) = env {
            world = world.env(&[("PGCONNECT_TIMEOUT", value)]);
        }
        let got = world.params(positional).connect_timeout.as_secs();
        assert_eq!(got, want, "{positional:?} {env:?}");
    }
}

#[test]
fn application_name_precedence() {
    let cases = [
        (None, None, None),
        (Some("fallback_application_name=fb"), None, Some("fb")),
        (
            Some("fallback_application_name=fb"),
            Some("envapp"),
            Some("envapp"),
        ),
        (
            Some("application_name=mine fallback_application_name=fb"),
            Some("envapp"),
            Some("mine"),
        ),
        (
            Some("postgresql:///db?application_name=uri"),
            Some("envapp"),
            Some("uri"),
        ),
    ];
    for (positional, env, want) in cases {
        let mut world = World::new();
        if let Some(value) = env {
            world = world.env(&[("PGAPPNAME", value)]);
        }
        let got = world.params(positional).application_name;
        assert_eq!(got.as_deref(), want, "{positional:?} {env:?}");
    }
}

#[test]
fn options_and_keepalives() {
    let world = World::new().env(&[("PGOPTIONS", "-c geqo=off")]);
    let cases = [
        (None, Some("-c geqo=off"), true, None),
        (
            Some("options='-c work_mem=1MB'"),
            Some("-c work_mem=1MB"),
            true,
            None,
        ),
        (Some("keepalives=0"), Some("-c geqo=off"), false, None),
        (
            Some("keepalives=1 keepalives_idle=30"),
            Some("-c geqo=off"),
            true,
            Some(30),
        ),
        (
            Some("keepalives_interval=5 keepalives_count=3"),
            Some("-c geqo=off"),
            true,
            None,
        ),
    ];
    for (positional, options, keepalives, idle) in cases {
        let params = world.params(positional);
        assert_eq!(params.options.as_deref(), options, "{positional:?}");
        assert_eq!(params.keepalives, keepalives, "{positional:?}");
        assert_eq!(
            params.keepalives_idle.map(|d| d.as_secs()),
            idle,
            "{positional:?}"
        );
    }
}

#[test]
fn compatibility_keywords_are_accepted() {
    let params = World::new().params(Some(
        "sslcert=/c sslkey=/k sslpassword=x sslcompression=0 requiressl=0 \
             gssencmode=prefer channel_binding=prefer target_session_attrs=any",
    ));
    assert!(params.warnings.is_empty(), "{:?}", params.warnings);
    let params = World::new().params(Some("channel_binding=require"));
    assert_eq!(params.warnings.len(), 1);
    assert!(params.warnings[0].contains("channel_binding=require"));
}

#[test]
fn password_sources() {
    let pgpass = "*:*:*:*:frompgpass\n";
    let source_pgpass = || {
        Some(PasswordSource::PassFile(PathBuf::from(
            "/home/alice/.pgpass",
        )))
    };
    let cases: Vec<PasswordRow> = vec![
        (
            "conninfo beats everything",
            World::new()
                .env(&[("PGPASSWORD", "fromenv"), ("PGSERVICE", "svc")])
                .files(&[
                    ("~/.pgpass", pgpass),
                    ("~/.pg_service.conf", "[svc]\npassword=fromservice\n"),
                ]),
            Flags::default(),
            Some("password=fromconninfo"),
            Some("fromconninfo"),
            Some(PasswordSource::Conninfo),
        ),
        (
            "URI password",
            World::new().env(&[("PGPASSWORD", "fromenv")]),
            Flags::default(),
            Some("postgresql://u:p%40ss@h/db"),
            Some("p@ss"),
            Some(PasswordSource::Conninfo),
        ),
        (
            "-d conninfo password",
            World::new(),
            flags(None, None, None, Some("password=fromflag")),
            None,
            Some("fromflag"),
            Some(PasswordSource::Conninfo),
        ),
        (
            "service beats PGPASSWORD",
            World::new()
                .env(&[("PGPASSWORD", "fromenv"), ("PGSERVICE", "svc")])
                .files(&[
                    ("~/.pgpass", pgpass),
                    ("~/.pg_service.conf", "[svc]\npassword=fromservice\n"),
                ]),
            Flags::default(),
            None,
            Some("fromservice"),
            Some(PasswordSource::ServiceFile),
        ),
        (
            "PGPASSWORD beats the password file",
            World::new()
                .env(&[("PGPASSWORD", "fromenv")])
                .files(&[("~/.pgpass", pgpass)]),
            Flags::default(),
            None,
            Some("fromenv"),
            Some(PasswordSource::Environment),
        ),
        (
            "~/.pgpass",
            World::new().files(&[("~/.pgpass", pgpass)]),
            Flags::default(),
            None,
            Some("frompgpass"),
            source_pgpass(),
        ),
        (
            "empty conninfo password falls through to the file",
            World::new()
                .env(&[("PGPASSWORD", "fromenv")])
                .files(&[("~/.pgpass", pgpass)]),
            Flags::default(),
            Some("password=''"),
            Some("frompgpass"),
            source_pgpass(),
        ),
        (
            "PGPASSFILE replaces ~/.pgpass",
            World::new()
                .env(&[("PGPASSFILE", "/secure/pgpass")])
                .files(&[
                    ("~/.pgpass", pgpass),
                    ("/secure/pgpass", "*:*:*:*:fromenvfile\n"),
                ]),
            Flags::default(),
            None,
            Some("fromenvfile"),
            Some(PasswordSource::PassFile(PathBuf::from("/secure/pgpass"))),
        ),
        (
            "passfile keyword beats PGPASSFILE",
            World::new()
                .env(&[("PGPASSFILE", "/secure/pgpass")])
                .files(&[
                    ("/secure/pgpass", "*:*:*:*:fromenvfile\n"),
                    ("/kw/pgpass", "*:*:*:*:fromkeyword\n"),
                ]),
            Flags::default(),
            Some("passfile=/kw/pgpass"),
            Some("fromkeyword"),
            Some(PasswordSource::PassFile(PathBuf::from("/kw/pgpass"))),
        ),
        (
            "missing PGPASSFILE is silent",
            World::new()
                .env(&[("PGPASSFILE", "/nope")])
                .files(&[("~/.pgpass", pgpass)]),
            Flags::default(),
            None,
            None,
            None,
        ),
        (
            "no home, no password file",
            World::new().files(&[("~/.pgpass", pgpass)]).without_home(),
            Flags::default(),
            None,
            None,
            None,
        ),
        (
            "socket host matches localhost",
            World::new().files(&[(
                "~/.pgpass",
                "db:*:*:*:tcp\nlocalhost:5432:alice:alice:local\n",
            )]),
            Flags::default(),
            None,
            Some("local"),
            source_pgpass(),
        ),
        (
            "socket directory entry",
            World::new().files(&[("~/.pgpass", "/tmp:5432:*:*:tmpdir\n")]),
            Flags::default(),
            Some("host=/tmp"),
            Some("tmpdir"),
            source_pgpass(),
        ),
        (
            "tcp host, resolved user and dbname",
            World::new().files(&[(
                "~/.pgpass",
                "db.example:5432:sales:alice:wronguser\ndb.example:5432:sales:bob:right\n",
            )]),
            Flags::default(),
            Some("host=db.example user=bob dbname=sales"),
            Some("right"),
            source_pgpass(),
        ),
        (
            "host name used for the file when hostaddr is given",
            World::new().files(&[(
                "~/.pgpass",
                "10.0.0.5:*:*:*:byaddr\ndb.example:*:*:*:byname\n",
            )]),
            Flags::default(),
            Some("host=db.example hostaddr=10.0.0.5"),
            Some("byname"),
            source_pgpass(),
        ),
        (
            "port compared as resolved",
            World::new().files(&[(
                "~/.pgpass",
                "*:5432:*:*:default-port\n*:5433:*:*:other-port\n",
            )]),
            flags(Some("h"), Some("5433"), None, None),
            None,
            Some("other-port"),
            source_pgpass(),
        ),
        (
            "no matching line",
            World::new().files(&[("~/.pgpass", "other:*:*:*:x\n")]),
            Flags::default(),
            Some("host=db.example"),
            None,
            None,
        ),
    ];
    for (name, world, flags, positional, password, source) in cases {
        let params = world
            .resolve(flags, positional)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            params.password.as_ref().map(Password::expose),
            password,
            "{name}"
        );
        assert_eq!(params.password_source, source, "{name}");
        assert!(params.warnings.is_empty(), "{name}: {:?}", params.warnings);
    }
}

#[test]
fn insecure_password_file_is_ignored_with_a_warning() {
    let cases = [
        (0o100600, Some("pw"), false),
        (0o100640, None, true),
        (0o100604, None, true),
    ];
    for (mode, want, warned) in cases {
        let params = World::new()
            .file_with_mode("~/.pgpass", "*:*:*:*:pw\n", mode)
            .params(None);
        assert_eq!(
            params.password.as_ref().map(Password::expose),
            want,
            "{mode:o}"
        );
        let expected: Vec<String> = if warned {
            vec![
                "WARNING: password file \"/home/alice/.pgpass\" has group or world access; \
                     permissions should be u=rw (0600) or less"
                    .to_owned(),
            ]
        } else {
            Vec::new()
        };
        assert_eq!(params.warnings, expected, "{mode:o}");
    }
}

#[test]
fn passwords_never_show() {
    let params = World::new().params(Some("host=h password=s3cret"));
    assert!(!format!("{params:?}").contains("s3cret"));
    assert!(!params.display_target().contains("s3cret"));
    assert_eq!(
        params.password.map(|p| p.to_string()).as_deref(),
        Some("***")
    );
    let errors = [
        World::new().resolve(Flags::default(), Some("password=s3cret port=x")),
        World::new().resolve(Flags::default(), Some("postgresql://u:s3cret@h/%zz")),
        World::new().resolve(Flags::default(), Some("postgresql://u:s3cret@h/db?bogus=1")),
        World::new().resolve(Flags::default(), Some("password=my s3cret")),
    ];
    for result in errors {
        let e = result
            .err()
            .map(|e| format!("{e} {e:?}"))
            .unwrap_or_default();
        assert!(!e.is_empty() && !e.contains("s3cret"), "{e}");
    }
}

#[test]
fn display_target_and_socket_path() {
    let cases = [
        (
            "host=127.0.0.1 user=postgres dbname=mydb",
            "postgres@127.0.0.1:5432/mydb",
            None,
        ),
        (
            "host=/var/run/postgresql user=postgres dbname=mydb port=5433",
            "postgres@/var/run/postgresql:5433/mydb",
            Some("/var/run/postgresql/.s.PGSQL.5433"),
        ),
        ("host=::1 dbname=d", "alice@[::1]:5432/d", None),
    ];
    for (positional, target, socket) in cases {
        let params = World::new().params(Some(positional));
        assert_eq!(params.display_target(), target);
        assert_eq!(
            params.socket_path(),
            socket.map(PathBuf::from),
            "{positional}"
        );
    }
}
