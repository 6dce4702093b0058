//! Stage 1: loading WIT (directories with `deps/`, single files, inline
//! source) into a [`Resolve`], and choosing the world to generate.

use std::path::{Path, PathBuf};

use wit_bindgen_core::wit_parser::{PackageId, Resolve, UnresolvedPackageGroup, WorldId};

use crate::error::{Blame, Error};

/// What to do about an error wit-parser located.
const LOCATED_HINT: &str =
    "fix the WIT at the location above; dependencies belong in a `deps/` folder next to it";

/// wit-parser's rendered error, then `hint`, which speaks of "the location
/// above": when wit-parser gave none (a file that is not UTF-8, a folder
/// without a package header), of the file or folder named in the message.
fn located(rendered: &str, hint: &str) -> Error {
    let hint = if rendered.contains("-->") {
        hint.to_string()
    } else {
        hint.replace("at the location above", "named above")
    };
    Error::new(format!("{}\n  help: {hint}", rendered.trim_end()))
}

/// The names of the packages of a parsed group: its own and those nested
/// in it.
fn package_names(group: &UnresolvedPackageGroup) -> impl Iterator<Item = String> + '_ {
    std::iter::once(&group.main)
        .chain(&group.nested)
        .map(|pkg| pkg.name.to_string())
}

/// The names of the packages a WIT path defines (its own, those nested in
/// it and those of its `deps/` folder), parsed but not resolved, as
/// `Resolve::push_path` will read them. A path that does not parse gives
/// what could be read: loading it reports the error.
fn defined_packages(path: &Path) -> Vec<String> {
    fn parse_file(path: &Path, into: &mut Vec<String>) {
        let is_wit = path.extension().is_some_and(|ext| ext == "wit");
        if let (true, Ok(text)) = (is_wit, std::fs::read_to_string(path)) {
            if let Ok(group) = UnresolvedPackageGroup::parse(path, &text) {
                into.extend(package_names(&group));
            }
        }
    }
    let mut defined = Vec::new();
    if !path.is_dir() {
        parse_file(path, &mut defined);
        return defined;
    }
    if let Ok(group) = UnresolvedPackageGroup::parse_dir(path) {
        defined.extend(package_names(&group));
    }
    if let Ok(entries) = std::fs::read_dir(path.join("deps")) {
        for entry in entries.flatten() {
            let dep = entry.path();
            if dep.is_dir() {
                if let Ok(group) = UnresolvedPackageGroup::parse_dir(&dep) {
                    defined.extend(package_names(&group));
                }
            } else {
                parse_file(&dep, &mut defined);
            }
        }
    }
    defined
}

/// WIT packages loaded from one or more paths (or inline source), ready for
/// world selection and generation.
pub struct Wit {
    /// The resolved type graph of every package read, dependencies included.
    pub resolve: Resolve,
    /// The input that brought in each package, for errors about
    /// packages loaded twice.
    origins: Vec<(String, String)>,
    /// The packages named directly by the inputs (not those under `deps/`),
    /// in input order. Bare world names are looked up here first.
    pub packages: Vec<PackageId>,
    /// Every file that was read, sorted, so callers can track them
    /// (the macro makes rustc rebuild when one changes).
    pub files: Vec<PathBuf>,
}

/// Which `@unstable` features to activate while loading.
#[derive(Debug, Clone, Default)]
pub struct Features {
    /// Activate every feature.
    pub all: bool,
    /// Activate these features by name.
    pub names: Vec<String>,
}

impl Wit {
    fn empty(features: &Features) -> Self {
        let mut resolve = Resolve {
            all_features: features.all,
            ..Resolve::default()
        };
        resolve.features.extend(features.names.iter().cloned());
        Wit {
            resolve,
            origins: Vec::new(),
            packages: Vec::new(),
            files: Vec::new(),
        }
    }

    /// Loads each path: a directory is a package (its `deps/` folder holds
    /// dependencies), a file is a single-file package.
    pub fn load(paths: &[impl AsRef<Path>], features: &Features) -> Result<Wit, Error> {
        let mut wit = Wit::empty(features);
        if paths.is_empty() {
            return Err(Error::new(
                "no WIT path given\n  help: pass a directory such as `wit/` or a `.wit` file",
            ));
        }
        for path in paths {
            wit.push_path(path.as_ref())?;
        }
        wit.files.sort();
        wit.files.dedup();
        Ok(wit)
    }

    /// Loads WIT source text that is not on disk; `name` is used in
    /// diagnostics as its file name. Extra `paths` (e.g. a `deps` directory
    /// or packages the source `use`s) are loaded first.
    pub fn load_inline(
        name: &str,
        source: &str,
        paths: &[impl AsRef<Path>],
        features: &Features,
    ) -> Result<Wit, Error> {
        let mut wit = Wit::empty(features);
        for path in paths {
            wit.push_path(path.as_ref())?;
        }
        // As in `push_path`: only after other inputs.
        if !wit.origins.is_empty() {
            if let Ok(group) = UnresolvedPackageGroup::parse(name, source) {
                let input = format!("the inline WIT source `{name}`");
                wit.check_new_packages(package_names(&group), &input)?;
            }
        }
        let id = match wit.resolve.push_str(name, source) {
            Ok(id) => id,
            Err(e) => return Err(wit.wit_error(&e, "fix the inline WIT source")),
        };
        wit.record_origins(&format!("the inline WIT source `{name}`"));
        wit.packages.push(id);
        wit.files.sort();
        wit.files.dedup();
        Ok(wit)
    }

    fn push_path(&mut self, path: &Path) -> Result<(), Error> {
        if !path.exists() {
            return Err(Error::new(format!(
                "WIT path `{}` does not exist\n  help: pass the directory that holds your \
                 `.wit` files (with dependencies in its `deps/` folder) or a single `.wit` file",
                path.display()
            )));
        }
        // wit-parser asserts that a package is added once: compare the
        // names of the packages the path defines first (the first path
        // alone cannot repeat one: wit-parser reports that itself).
        if !self.origins.is_empty() {
            self.check_new_packages(
                defined_packages(path).into_iter(),
                &format!("`{}`", path.display()),
            )?;
        }
        let (id, sources) = match self.resolve.push_path(path) {
            Ok(loaded) => loaded,
            Err(e) => return Err(self.wit_error(&e, LOCATED_HINT)),
        };
        self.record_origins(&format!("`{}`", path.display()));
        self.packages.push(id);
        self.files.extend(sources.paths().map(Path::to_path_buf));
        Ok(())
    }

    /// Fails if one of the packages an input defines (`defined`) is
    /// already loaded: wit-parser cannot add a package twice.
    fn check_new_packages(
        &self,
        defined: impl Iterator<Item = String>,
        input: &str,
    ) -> Result<(), Error> {
        for name in defined {
            if let Some((_, origin)) = self.origins.iter().find(|(loaded, _)| *loaded == name) {
                return Err(Error::new(format!(
                    "package `{name}` is loaded twice: by {origin} and by {input}\n  help: \
                     give each package once (a package that several inputs need belongs in \
                     one `deps/` folder, not in a separate input)"
                )));
            }
        }
        Ok(())
    }

    /// Remembers `input` as the origin of the packages it just added.
    fn record_origins(&mut self, input: &str) {
        for name in self.resolve.package_names.keys() {
            let name = name.to_string();
            if !self.origins.iter().any(|(loaded, _)| *loaded == name) {
                self.origins.push((name, input.to_string()));
            }
        }
    }

    /// A WIT error with wit-parser's `file:line:col` rendering and the
    /// source snippet, then what the user should do.
    fn wit_error(&self, err: &anyhow::Error, hint: &str) -> Error {
        located(&self.resolve.render_error(err), hint)
    }

    /// Every world in the loaded packages as `namespace:package/world[@version]`,
    /// sorted.
    pub fn world_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .resolve
            .worlds
            .iter()
            .filter_map(|(id, _)| self.world_id_string(id))
            .collect();
        names.sort();
        names
    }

    fn sorted_world_ids(&self, ids: &[WorldId]) -> Vec<String> {
        let mut ids: Vec<String> = ids
            .iter()
            .filter_map(|id| self.world_id_string(*id))
            .collect();
        ids.sort();
        ids
    }

    fn world_id_string(&self, id: WorldId) -> Option<String> {
        let world = &self.resolve.worlds[id];
        let pkg = world.package?;
        Some(self.resolve.id_of_name(pkg, &world.name))
    }

    /// Chooses the world to generate:
    /// - `ns:pkg/world` (optionally `@version`, which may be left out when only
    ///   one version of the package is loaded),
    /// - a bare `world` name, looked up in the input packages first and then in
    ///   every loaded package,
    /// - nothing, when the input packages hold exactly one world.
    ///
    /// Names may be `%`-escaped as in WIT (`%import`, `%ns:%pkg/%world`).
    pub fn select_world(&self, spec: Option<&str>) -> Result<WorldId, Error> {
        let Some(spec) = spec else {
            return self.select_only_world();
        };
        let name = crate::ident::unescape_wit(spec);
        if name.contains(':') || name.contains('/') {
            self.select_qualified(&name)
        } else {
            self.select_by_name(&name, spec)
        }
    }

    fn known_worlds_hint(&self) -> String {
        let names = self.world_names();
        if names.is_empty() {
            "the loaded WIT defines no world; add one, e.g. `world app { import my-interface; }`"
                .to_string()
        } else {
            format!(
                "known worlds: {}\n  help: choose one with `world: \"...\"` (macro) or `--world` (CLI)",
                names.join(", ")
            )
        }
    }

    fn select_only_world(&self) -> Result<WorldId, Error> {
        let worlds: Vec<WorldId> = self
            .packages
            .iter()
            .flat_map(|pkg| self.resolve.packages[*pkg].worlds.values().copied())
            .collect();
        match worlds.as_slice() {
            [only] => Ok(*only),
            [] => {
                let inputs: Vec<String> = self
                    .packages
                    .iter()
                    .map(|pkg| {
                        let name = self.resolve.packages[*pkg].name.to_string();
                        match self.origins.iter().find(|(loaded, _)| *loaded == name) {
                            Some((_, origin)) => format!("`{name}` (from {origin})"),
                            None => format!("`{name}`"),
                        }
                    })
                    .collect();
                Err(Error::blamed(
                    format!(
                        "no world was named and the input package {} defines no world\n  help: {}",
                        inputs.join(", "),
                        self.known_worlds_hint()
                    ),
                    Blame::World,
                ))
            }
            _ => Err(Error::blamed(
                format!(
                    "several worlds are defined, so one must be named\n  help: {}",
                    self.known_worlds_hint()
                ),
                Blame::World,
            )),
        }
    }

    /// The world `name` (`spec` unescaped, as typed by the user).
    fn select_by_name(&self, name: &str, spec: &str) -> Result<WorldId, Error> {
        let in_packages = |pkgs: &mut dyn Iterator<Item = PackageId>| -> Vec<WorldId> {
            pkgs.filter_map(|pkg| self.resolve.packages[pkg].worlds.get(name).copied())
                .collect()
        };
        let mut found = in_packages(&mut self.packages.iter().copied());
        if found.is_empty() {
            found = in_packages(&mut self.resolve.packages.iter().map(|(id, _)| id));
        }
        match found.as_slice() {
            [only] => Ok(*only),
            [] => Err(Error::blamed(
                format!(
                    "unknown world `{spec}`\n  help: {}",
                    self.known_worlds_hint()
                ),
                Blame::World,
            )),
            several => {
                let ids = self.sorted_world_ids(several);
                Err(Error::blamed(format!(
                    "world name `{name}` is ambiguous: it matches {}\n  help: name it in full, e.g. `{}`",
                    ids.join(", "),
                    ids[0]
                ), Blame::World))
            }
        }
    }

    fn select_qualified(&self, spec: &str) -> Result<WorldId, Error> {
        let unknown = || {
            Error::blamed(
                format!(
                    "unknown world `{spec}`\n  help: {}",
                    self.known_worlds_hint()
                ),
                Blame::World,
            )
        };
        let (pkg_part, world_part) = spec.split_once('/').ok_or_else(unknown)?;
        // `ns:pkg/world@1.2.3`: the version belongs to the package.
        let (world_name, version) = match world_part.split_once('@') {
            Some((w, v)) => (w, Some(v)),
            None => (world_part, None),
        };
        let (namespace, pkg_name) = pkg_part.split_once(':').ok_or_else(unknown)?;
        let candidates: Vec<WorldId> = self
            .resolve
            .packages
            .iter()
            .filter(|(_, pkg)| {
                pkg.name.namespace == namespace
                    && pkg.name.name == pkg_name
                    && match version {
                        Some(v) => {
                            pkg.name.version.as_ref().map(|x| x.to_string()).as_deref() == Some(v)
                        }
                        None => true,
                    }
            })
            .filter_map(|(_, pkg)| pkg.worlds.get(world_name).copied())
            .collect();
        match candidates.as_slice() {
            [only] => Ok(*only),
            [] => Err(unknown()),
            several => {
                let ids = self.sorted_world_ids(several);
                Err(Error::blamed(format!(
                    "world `{spec}` exists in several versions: {}\n  help: add the version, e.g. `{}`",
                    ids.join(", "),
                    ids[0]
                ), Blame::World))
            }
        }
    }
}
