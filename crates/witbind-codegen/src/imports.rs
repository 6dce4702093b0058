//! Imports: each imported function becomes a safe Rust function (or a
//! method of its resource) that lowers its arguments, calls the core wasm
//! import and lifts the result.

use proc_macro2::TokenStream;
use quote::quote;
use wit_bindgen_core::abi::{self, AbiVariant, LiftLower};
use wit_bindgen_core::wit_parser::{
    Function, FunctionKind, InterfaceId, Type, TypeDefKind, TypeId, WorldKey,
};

use crate::abi::{Callee, FnBindgen};
use crate::context::{Cx, ModulePath};
use crate::names;
use crate::types::Style;

impl Cx<'_> {
    /// Types, resources (with their methods) and free functions of an
    /// imported interface, in WIT order.
    pub(crate) fn expand_imported_interface(
        &self,
        id: InterfaceId,
        key: &WorldKey,
        module: &ModulePath,
    ) -> TokenStream {
        let iface = &self.resolve.interfaces[id];
        let module = module.clone();
        let wasm_module = self.resolve.name_world_key(key);
        let mut items = TokenStream::new();
        for ty in iface.types.values() {
            items.extend(self.expand_typedef(*ty, &module));
            if matches!(self.resolve.types[*ty].kind, TypeDefKind::Resource) {
                let methods = iface
                    .functions
                    .values()
                    .filter(|f| f.kind.resource() == Some(*ty))
                    .map(|f| self.expand_import_fn(f, &wasm_module, &module));
                let name =
                    names::camel(self.resolve.types[*ty].name.as_deref().unwrap_or_default());
                items.extend(quote! { impl #name { #(#methods)* } });
            }
        }
        for func in iface
            .functions
            .values()
            .filter(|f| f.kind.resource().is_none())
        {
            items.extend(self.expand_import_fn(func, &wasm_module, &module));
        }
        items
    }

    /// One imported function as a safe wrapper.
    pub(crate) fn expand_import_fn(
        &self,
        func: &Function,
        wasm_module: &str,
        module: &ModulePath,
    ) -> TokenStream {
        if self.skipped(func) {
            return TokenStream::new();
        }
        let docs = self.docs(&func.docs);
        let name = self.func_name(func);
        let mut params = Vec::new();
        let mut operands = Vec::new();
        for (i, param) in func.params.iter().enumerate() {
            if i == 0 && takes_self(func) {
                params.push(quote!(&self));
                operands.push(quote!(self));
                continue;
            }
            let ident = names::snake(&param.name);
            let ty = self.ty(&param.ty, Style::TopBorrowed, module);
            params.push(quote!(#ident: #ty));
            operands.push(
                if self.param_is_forced_owned(&param.ty, Style::TopBorrowed) {
                    quote!(&#ident)
                } else {
                    quote!(#ident)
                },
            );
        }
        let ret = self.import_return_type(func, module);
        let mut bindgen = FnBindgen::new(
            self,
            module,
            Callee::Import {
                wasm_module: wasm_module.to_string(),
            },
            operands,
        );
        abi::call(
            self.resolve,
            AbiVariant::GuestImport,
            LiftLower::LowerArgsLiftResults,
            func,
            &mut bindgen,
            false,
        );
        let value = bindgen.ret.clone();
        let clones_enums = bindgen.clones_enums;
        let body = bindgen.into_body();
        let allow = self.fn_lint_allows(func, &name, params.len(), clones_enums);
        quote! {
            #docs
            #allow
            pub fn #name(#(#params),*) #ret {
                unsafe {
                    #body
                    #(#value)*
                }
            }
        }
    }

    /// `#[allow(..)]` for clippy lints that a WIT signature can trigger
    /// but the generated code cannot avoid without changing the API.
    pub(crate) fn fn_lint_allows(
        &self,
        func: &Function,
        name: &proc_macro2::Ident,
        params: usize,
        clones_enums: bool,
    ) -> TokenStream {
        let mut lints = Vec::new();
        if params > 7 {
            lints.push(quote!(clippy::too_many_arguments));
        }
        // Inside interface modules the module allows it; world-level
        // functions need it themselves.
        let types = func.params.iter().map(|p| &p.ty).chain(func.result.iter());
        if types.map(|ty| self.nesting(ty)).max().unwrap_or(0) >= 3 {
            lints.push(quote!(clippy::type_complexity));
        }
        if clones_enums {
            lints.push(quote!(clippy::clone_on_copy));
        }
        if let Some(Type::Id(id)) = &func.result {
            if let TypeDefKind::Result(r) = &self.resolve.types[*id].kind {
                if r.err.is_none() {
                    lints.push(quote!(clippy::result_unit_err));
                }
            }
        }
        if func.kind.resource().is_some() && STD_TRAIT_METHODS.contains(&name.to_string().as_str())
        {
            lints.push(quote!(clippy::should_implement_trait));
        }
        if func.kind.resource().is_some() && *name == "new" && func.params.is_empty() {
            lints.push(quote!(clippy::new_without_default));
        }
        if lints.is_empty() {
            TokenStream::new()
        } else {
            quote!(#[allow(#(#lints),*)])
        }
    }

    /// How deeply anonymous types (lists, options, results, tuples) nest in
    /// `ty`; named types count as leaves.
    fn nesting(&self, ty: &Type) -> usize {
        let Type::Id(id) = ty else { return 0 };
        let def = &self.resolve.types[*id];
        if def.name.is_some() {
            return 0;
        }
        let children: Vec<&Type> = match &def.kind {
            TypeDefKind::List(t) | TypeDefKind::Option(t) | TypeDefKind::Type(t) => vec![t],
            TypeDefKind::Result(r) => r.ok.iter().chain(r.err.iter()).collect(),
            TypeDefKind::Tuple(t) => t.types.iter().collect(),
            _ => Vec::new(),
        };
        1 + children
            .into_iter()
            .map(|t| self.nesting(t))
            .max()
            .unwrap_or(0)
    }

    /// [`fn_name`], except that a static function `new` next to a
    /// constructor (also `new` in Rust) becomes `new_`.
    pub(crate) fn func_name(&self, func: &Function) -> proc_macro2::Ident {
        if let FunctionKind::Static(resource) = func.kind {
            if func.item_name() == "new" && self.resource_has_constructor(resource) {
                return names::ident("new_");
            }
        }
        fn_name(func)
    }

    fn resource_has_constructor(&self, resource: TypeId) -> bool {
        self.resource_functions(resource)
            .any(|f| f.kind == FunctionKind::Constructor(resource))
    }

    fn import_return_type(&self, func: &Function, module: &ModulePath) -> TokenStream {
        let Some(result) = &func.result else {
            return TokenStream::new();
        };
        if let FunctionKind::Constructor(_) = func.kind {
            // `-> Self`, or `-> Result<Self, E>` for fallible constructors.
            if let Type::Id(id) = result {
                if let TypeDefKind::Result(r) = &self.resolve.types[*id].kind {
                    let err = match &r.err {
                        Some(err) => self.ty(err, Style::Owned, module),
                        None => quote!(()),
                    };
                    return quote!(-> ::core::result::Result<Self, #err>);
                }
            }
            return quote!(-> Self);
        }
        let ty = self.ty(result, Style::Owned, module);
        quote!(-> #ty)
    }
}

/// Method names clippy expects to be trait implementations.
const STD_TRAIT_METHODS: &[&str] = &[
    "add",
    "as_mut",
    "as_ref",
    "bitand",
    "bitor",
    "bitxor",
    "borrow",
    "borrow_mut",
    "clone",
    "cmp",
    "default",
    "deref",
    "deref_mut",
    "div",
    "drop",
    "eq",
    "from_iter",
    "from_str",
    "hash",
    "index",
    "index_mut",
    "into_iter",
    "mul",
    "neg",
    "next",
    "not",
    "rem",
    "shl",
    "shr",
    "sub",
];

/// The Rust name of a function: `new` for constructors, `set_x` for
/// setters, the item name (without the resource prefix) otherwise.
pub(crate) fn fn_name(func: &Function) -> proc_macro2::Ident {
    match func.kind {
        FunctionKind::Constructor(_) => names::ident("new"),
        FunctionKind::Setter | FunctionKind::MethodSetter(_) | FunctionKind::StaticSetter(_) => {
            names::snake(&format!("set-{}", func.item_name()))
        }
        _ => names::snake(func.item_name()),
    }
}

/// Whether the first parameter is the resource itself (`&self`).
pub(crate) fn takes_self(func: &Function) -> bool {
    matches!(
        func.kind,
        FunctionKind::Method(_)
            | FunctionKind::AsyncMethod(_)
            | FunctionKind::MethodGetter(_)
            | FunctionKind::MethodSetter(_)
    )
}
