//! The canonical ABI, driven by `wit_bindgen_core::abi::call`: it walks a
//! function's signature and feeds [`FnBindgen`] a stack machine of
//! instructions; each instruction becomes Rust tokens. `lower.rs` handles
//! Rust value → core wasm values/memory, `lift.rs` the way back, this file
//! the plumbing (blocks, temporaries, calls, return areas).

mod lift;
mod lower;

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};
use wit_bindgen_core::abi::{Bindgen, Instruction, WasmType};
use wit_bindgen_core::wit_parser::{Alignment, ArchitectureSize, Resolve, SizeAlign, Type};

use crate::context::{Cx, ModulePath};

/// What the generated code is a shim for.
pub(crate) enum Callee {
    /// A call out of the guest to an imported function.
    Import {
        /// The import's module name (`wasi:io/streams@0.2.12` or `$root`).
        wasm_module: String,
    },
    /// A call from the host into the guest's implementation `call(args)`.
    Export {
        call: TokenStream,
        /// A method: the first argument is a borrow whose `get()` is `&self`.
        method: bool,
        /// A constructor of the resource at this path: the user's value is
        /// wrapped into a new handle (`fallible`: inside a `Result`).
        constructor: Option<(TokenStream, bool)>,
    },
    /// Only deallocation code (`cabi_post_*`), no call.
    PostReturn,
}

/// A finished block: its statements and the operands it left.
struct Block {
    body: TokenStream,
    results: Vec<TokenStream>,
    elem: Ident,
    base: Ident,
    payload: Ident,
}

/// A statement; `let`s are kept apart so a trailing `let x = e; x` can be
/// folded into `e`.
enum Stmt {
    Let(Ident, TokenStream),
    Other(TokenStream),
}

impl quote::ToTokens for Stmt {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self {
            Stmt::Let(name, expr) => tokens.extend(quote!(let #name = #expr;)),
            Stmt::Other(stmt) => tokens.extend(stmt.clone()),
        }
    }
}

/// A block being written.
struct OpenBlock {
    stmts: Vec<Stmt>,
    /// The block is the body of a list's loop.
    in_loop: bool,
    elem: Ident,
    base: Ident,
    payload: Ident,
}

pub(crate) struct FnBindgen<'a, 'b> {
    cx: &'a Cx<'b>,
    /// Module the code is emitted in, for type paths.
    module: &'a ModulePath,
    callee: Callee,
    params: Vec<TokenStream>,
    open: Vec<OpenBlock>,
    finished: Vec<Block>,
    counter: usize,
    /// Deallocations to run right after an import call returns.
    cleanup: Vec<TokenStream>,
    /// Whether nested blocks registered allocations at run time.
    needs_cleanup_list: bool,
    /// Largest return area requested (size, align) on wasm32.
    ret_area: Option<(usize, usize)>,
    /// The `_wit_import` declaration, emitted first in the function body.
    import_decl: TokenStream,
    /// Locals that must live for the whole function (borrowed handles).
    decls: Vec<TokenStream>,
    /// Whether exports need a static return area instead of a stack one.
    pub(crate) static_ret_area: bool,
    pub(crate) ret: Vec<TokenStream>,
    /// Whether an enum was lowered with `.clone()` (which copies out of a
    /// reference or a value alike); the caller then allows
    /// `clippy::clone_on_copy`.
    pub(crate) clones_enums: bool,
}

impl<'a, 'b> FnBindgen<'a, 'b> {
    pub(crate) fn new(
        cx: &'a Cx<'b>,
        module: &'a ModulePath,
        callee: Callee,
        params: Vec<TokenStream>,
    ) -> Self {
        let mut bindgen = FnBindgen {
            cx,
            module,
            callee,
            params,
            open: Vec::new(),
            finished: Vec::new(),
            counter: 0,
            cleanup: Vec::new(),
            needs_cleanup_list: false,
            ret_area: None,
            import_decl: TokenStream::new(),
            decls: Vec::new(),
            static_ret_area: false,
            ret: Vec::new(),
            clones_enums: false,
        };
        bindgen.push_block();
        bindgen
    }

    /// The generated statements, with the return area and cleanup list
    /// declared first; the returned value (if any) is in `self.ret`.
    pub(crate) fn into_body(mut self) -> TokenStream {
        let block = self.open.pop().expect("the function block is open");
        let stmts = block.stmts;
        let rt = &self.cx.rt;
        let area = match self.ret_area {
            Some((size, align)) => {
                let size = Literal::usize_unsuffixed(size);
                let align = Literal::usize_unsuffixed(align);
                let declare = quote! {
                    #[repr(align(#align))]
                    struct _RetArea([::core::mem::MaybeUninit<u8>; #size]);
                };
                if self.static_ret_area {
                    // Results of exports stay valid until post-return.
                    quote! {
                        #declare
                        static mut _RET_AREA: _RetArea = _RetArea([::core::mem::MaybeUninit::uninit(); #size]);
                    }
                } else {
                    quote! {
                        #declare
                        let mut _ret_area = _RetArea([::core::mem::MaybeUninit::uninit(); #size]);
                    }
                }
            }
            None => TokenStream::new(),
        };
        let cleanup_list = if self.needs_cleanup_list {
            quote!(let mut _cleanup_list = #rt::Vec::<(*mut u8, usize, usize)>::new();)
        } else {
            TokenStream::new()
        };
        let import_decl = &self.import_decl;
        let decls = &self.decls;
        quote!(#import_decl #area #cleanup_list #(#decls)* #(#stmts)*)
    }

    fn tmp(&mut self, prefix: &str) -> Ident {
        self.tmps(&[prefix])[0].clone()
    }

    /// Fresh locals that belong together (`_vec3`, `_ptr3`, `_len3`):
    /// one number, one prefix each.
    fn tmps<const N: usize>(&mut self, prefixes: &[&str; N]) -> [Ident; N] {
        self.counter += 1;
        let n = self.counter;
        prefixes.map(|prefix| format_ident!("_{}{}", prefix, n))
    }

    fn push(&mut self, stmt: TokenStream) {
        self.open
            .last_mut()
            .expect("a block is open")
            .stmts
            .push(Stmt::Other(stmt));
    }

    /// Binds `expr` to a fresh local and returns the local.
    fn bind(&mut self, prefix: &str, expr: TokenStream) -> TokenStream {
        let name = self.tmp(prefix);
        self.open
            .last_mut()
            .expect("a block is open")
            .stmts
            .push(Stmt::Let(name.clone(), expr));
        quote!(#name)
    }

    /// `value` itself when it can be repeated, else a local bound to it.
    fn simple(&mut self, prefix: &str, value: &TokenStream) -> TokenStream {
        if is_simple(value) {
            value.clone()
        } else {
            self.bind(prefix, value.clone())
        }
    }

    /// `value`, or the expression of the block's last `let` when that `let`
    /// only names `value` (avoids `let x = e; x`).
    fn take_trailing_let(&mut self, value: TokenStream) -> TokenStream {
        let block = self.open.last_mut().expect("a block is open");
        if let Some(Stmt::Let(name, _)) = block.stmts.last() {
            if *name == value.to_string() {
                if let Some(Stmt::Let(_, expr)) = block.stmts.pop() {
                    return expr;
                }
            }
        }
        value
    }

    /// Declares a local at the top of the function.
    fn declare(&mut self, decl: TokenStream) {
        self.decls.push(decl);
    }

    /// Marks the current block as a list's loop body.
    fn mark_loop(&mut self) {
        self.open.last_mut().expect("a list block is open").in_loop = true;
    }

    /// Whether code is being emitted inside a list's loop.
    fn in_loop(&self) -> bool {
        self.open.iter().any(|block| block.in_loop)
    }

    fn pop_blocks(&mut self, n: usize) -> Vec<Block> {
        let at = self.finished.len() - n;
        self.finished.split_off(at)
    }

    fn ty(&self, ty: &Type) -> TokenStream {
        self.cx.ty(ty, crate::types::Style::Owned, self.module)
    }

    fn rt(&self) -> &TokenStream {
        &self.cx.rt
    }

    fn size(&self, ty: &Type) -> usize {
        self.cx.sizes.size(ty).size_wasm32()
    }

    fn align(&self, ty: &Type) -> usize {
        self.cx.sizes.align(ty).align_wasm32()
    }

    /// `ptr.add(offset)`, or just `ptr` at offset zero.
    fn at(ptr: &TokenStream, offset: ArchitectureSize) -> TokenStream {
        match offset.size_wasm32() {
            0 => quote!(#ptr),
            n => {
                let n = Literal::usize_unsuffixed(n);
                quote!(#ptr.add(#n))
            }
        }
    }

    fn load(
        &mut self,
        ptr: &TokenStream,
        offset: ArchitectureSize,
        ty: TokenStream,
    ) -> TokenStream {
        let at = Self::at(ptr, offset);
        self.bind("l", quote!(*#at.cast::<#ty>()))
    }

    fn store(
        &mut self,
        ptr: &TokenStream,
        offset: ArchitectureSize,
        ty: TokenStream,
        value: TokenStream,
    ) {
        let at = Self::at(ptr, offset);
        self.push(quote!(*#at.cast::<#ty>() = #value;));
    }

    fn emit_call_wasm(
        &mut self,
        name: &str,
        params: &[WasmType],
        results: &[WasmType],
        args: &[TokenStream],
    ) -> Vec<TokenStream> {
        let Callee::Import { wasm_module } = &self.callee else {
            return Vec::new();
        };
        self.import_decl = extern_import(wasm_module, name, params, results);
        let call = quote!(_wit_import(#(#args),*));
        let ret = if results.is_empty() {
            self.push(quote!(#call;));
            Vec::new()
        } else {
            vec![self.bind("ret", call)]
        };
        for stmt in std::mem::take(&mut self.cleanup) {
            self.push(stmt);
        }
        if self.needs_cleanup_list {
            let rt = self.rt().clone();
            self.push(quote! {
                for (ptr, size, align) in _cleanup_list {
                    #rt::cabi_dealloc(ptr, size, align);
                }
            });
        }
        ret
    }
}

/// Whether `tokens` is a single identifier or literal, which can be used
/// repeatedly and needs no parentheses.
pub(crate) fn is_simple(tokens: &TokenStream) -> bool {
    let mut iter = tokens.clone().into_iter();
    matches!(
        (iter.next(), iter.next()),
        (
            Some(proc_macro2::TokenTree::Ident(_) | proc_macro2::TokenTree::Literal(_)),
            None
        )
    )
}

/// `x` for `&x`, anything else unchanged.
pub(crate) fn strip_borrow(tokens: &TokenStream) -> TokenStream {
    let mut iter = tokens.clone().into_iter();
    match (iter.next(), iter.next(), iter.next()) {
        (
            Some(proc_macro2::TokenTree::Punct(p)),
            Some(ident @ proc_macro2::TokenTree::Ident(_)),
            None,
        ) if p.as_char() == '&' => ident.into(),
        _ => tokens.clone(),
    }
}

/// `tokens`, parenthesized unless simple: the receiver of a method call.
pub(crate) fn receiver(tokens: &TokenStream) -> TokenStream {
    if is_simple(tokens) {
        tokens.clone()
    } else {
        quote!((#tokens))
    }
}

/// `count * size` in bytes, without a no-op `* 1`.
pub(crate) fn scaled(count: &TokenStream, size: usize) -> TokenStream {
    if size == 1 {
        count.clone()
    } else {
        let size = Literal::usize_unsuffixed(size);
        quote!(#count * #size)
    }
}

/// The Rust type of a core wasm value.
pub(crate) fn wasm_type(ty: WasmType) -> TokenStream {
    match ty {
        WasmType::I32 => quote!(i32),
        WasmType::I64 => quote!(i64),
        WasmType::F32 => quote!(f32),
        WasmType::F64 => quote!(f64),
        WasmType::Pointer => quote!(*mut u8),
        WasmType::Length => quote!(usize),
        WasmType::PointerOrI64 => quote!(::core::mem::MaybeUninit<u64>),
    }
}

/// The declaration of one imported core function as `_wit_import`, local
/// to the calling function. Off wasm the body is a stub so that generated
/// code still builds and links for host-side `cargo test` and docs.
pub(crate) fn extern_import(
    wasm_module: &str,
    name: &str,
    params: &[WasmType],
    results: &[WasmType],
) -> TokenStream {
    let params: Vec<TokenStream> = params.iter().map(|t| wasm_type(*t)).collect();
    let result = results.first().map(|t| {
        let t = wasm_type(*t);
        quote!(-> #t)
    });
    quote! {
        #[cfg(target_arch = "wasm32")]
        #[link(wasm_import_module = #wasm_module)]
        unsafe extern "C" {
            #[link_name = #name]
            fn _wit_import(#(_: #params),*) #result;
        }
        #[cfg(not(target_arch = "wasm32"))]
        unsafe extern "C" fn _wit_import(#(_: #params),*) #result {
            ::core::unreachable!("imported functions are only available on wasm32")
        }
    }
}

impl Bindgen for FnBindgen<'_, '_> {
    type Operand = TokenStream;

    fn emit(
        &mut self,
        resolve: &Resolve,
        inst: &Instruction<'_>,
        operands: &mut Vec<TokenStream>,
        results: &mut Vec<TokenStream>,
    ) {
        let _ = resolve;
        if self.emit_lower(inst, operands, results) || self.emit_lift(inst, operands, results) {
            return;
        }
        let rt = self.rt().clone();
        match inst {
            Instruction::GetArg { nth } => results.push(self.params[*nth].clone()),
            Instruction::I32Const { val } => {
                let val = Literal::i32_suffixed(*val);
                results.push(quote!(#val));
            }
            Instruction::Bitcasts { casts } => {
                for (cast, op) in casts.iter().zip(operands.drain(..)) {
                    results.push(lower::bitcast(cast, op, &rt));
                }
            }
            Instruction::ConstZero { tys } => {
                for ty in tys.iter() {
                    results.push(match ty {
                        WasmType::I32 => quote!(0i32),
                        WasmType::I64 => quote!(0i64),
                        WasmType::F32 => quote!(0.0f32),
                        WasmType::F64 => quote!(0.0f64),
                        WasmType::Pointer => quote!(::core::ptr::null_mut::<u8>()),
                        WasmType::Length => quote!(0usize),
                        WasmType::PointerOrI64 => quote!(::core::mem::MaybeUninit::<u64>::zeroed()),
                    });
                }
            }
            Instruction::I32Load { offset } => {
                results.push(self.load(&operands[0], *offset, quote!(i32)))
            }
            Instruction::I32Load8U { offset } => {
                let l = self.load(&operands[0], *offset, quote!(u8));
                results.push(quote!(i32::from(#l)));
            }
            Instruction::I32Load8S { offset } => {
                let l = self.load(&operands[0], *offset, quote!(i8));
                results.push(quote!(i32::from(#l)));
            }
            Instruction::I32Load16U { offset } => {
                let l = self.load(&operands[0], *offset, quote!(u16));
                results.push(quote!(i32::from(#l)));
            }
            Instruction::I32Load16S { offset } => {
                let l = self.load(&operands[0], *offset, quote!(i16));
                results.push(quote!(i32::from(#l)));
            }
            Instruction::I64Load { offset } => {
                results.push(self.load(&operands[0], *offset, quote!(i64)))
            }
            Instruction::F32Load { offset } => {
                results.push(self.load(&operands[0], *offset, quote!(f32)))
            }
            Instruction::F64Load { offset } => {
                results.push(self.load(&operands[0], *offset, quote!(f64)))
            }
            Instruction::PointerLoad { offset } => {
                results.push(self.load(&operands[0], *offset, quote!(*mut u8)))
            }
            Instruction::LengthLoad { offset } => {
                results.push(self.load(&operands[0], *offset, quote!(usize)))
            }
            Instruction::I32Store { offset } => {
                self.store(&operands[1], *offset, quote!(i32), operands[0].clone())
            }
            Instruction::I32Store8 { offset } => {
                let v = &operands[0];
                self.store(&operands[1], *offset, quote!(u8), quote!(#v as u8));
            }
            Instruction::I32Store16 { offset } => {
                let v = &operands[0];
                self.store(&operands[1], *offset, quote!(u16), quote!(#v as u16));
            }
            Instruction::I64Store { offset } => {
                self.store(&operands[1], *offset, quote!(i64), operands[0].clone())
            }
            Instruction::F32Store { offset } => {
                self.store(&operands[1], *offset, quote!(f32), operands[0].clone())
            }
            Instruction::F64Store { offset } => {
                self.store(&operands[1], *offset, quote!(f64), operands[0].clone())
            }
            Instruction::PointerStore { offset } => {
                self.store(&operands[1], *offset, quote!(*mut u8), operands[0].clone())
            }
            Instruction::LengthStore { offset } => {
                self.store(&operands[1], *offset, quote!(usize), operands[0].clone())
            }
            Instruction::IterElem { .. } => {
                self.mark_loop();
                let elem = &self.open.last().expect("a list block is open").elem;
                results.push(quote!(#elem));
            }
            Instruction::IterBasePointer => {
                self.mark_loop();
                let base = &self.open.last().expect("a list block is open").base;
                results.push(quote!(#base));
            }
            Instruction::VariantPayloadName => {
                let payload = &self.open.last().expect("a case block is open").payload;
                results.push(quote!(#payload));
            }
            Instruction::CallWasm { name, sig } => {
                let ret = self.emit_call_wasm(name, &sig.params, &sig.results, operands);
                results.extend(ret);
            }
            Instruction::CallInterface { func, .. } => {
                if let Callee::Export {
                    call,
                    method,
                    constructor,
                } = &self.callee
                {
                    let mut args = operands.clone();
                    if *method {
                        let this = receiver(&args[0]);
                        args[0] = quote!(#this.get());
                    }
                    let mut call = quote!(#call(#(#args),*));
                    if let Some((resource, fallible)) = constructor {
                        call = if *fallible {
                            quote!(#call.map(#resource::new))
                        } else {
                            quote!(#resource::new(#call))
                        };
                    }
                    if func.result.is_some() {
                        let ret = self.bind("ret", call);
                        results.push(ret);
                    } else {
                        self.push(quote!(#call;));
                    }
                }
            }
            Instruction::Return { amt, .. } => {
                let mut values = operands[..*amt].to_vec();
                if let [value] = values.as_mut_slice() {
                    *value = self.take_trailing_let(value.clone());
                }
                self.ret = values;
            }
            Instruction::Malloc { size, align, .. } => {
                let size = Literal::usize_unsuffixed(size.size_wasm32());
                let align = Literal::usize_unsuffixed(align.align_wasm32());
                let ptr = self.bind("ptr", quote!(#rt::alloc(#size, #align)));
                results.push(ptr);
            }
            Instruction::GuestDeallocate { size, align } => {
                let ptr = &operands[0];
                let size = Literal::usize_unsuffixed(size.size_wasm32());
                let align = Literal::usize_unsuffixed(align.align_wasm32());
                self.push(quote!(#rt::cabi_dealloc(#ptr, #size, #align);));
            }
            Instruction::GuestDeallocateString => {
                let (ptr, len) = (&operands[0], &operands[1]);
                self.push(quote!(#rt::cabi_dealloc(#ptr, #len, 1);));
            }
            Instruction::GuestDeallocateList { element } => {
                let block = self.pop_blocks(1).remove(0);
                let (size, align) = (self.size(element), self.align(element));
                let (ptr, len) = (&operands[0], &operands[1]);
                let [base, len_var] = self.tmps(&["base", "len"]);
                let Block {
                    body,
                    base: elem_base,
                    ..
                } = block;
                let offset = scaled(&quote!(i), size);
                let bytes = scaled(&quote!(#len_var), size);
                let align = Literal::usize_unsuffixed(align);
                self.push(quote! {
                    let #base = #ptr;
                    let #len_var = #len;
                    for i in 0..#len_var {
                        let #elem_base = #base.add(#offset);
                        #body
                    }
                    #rt::cabi_dealloc(#base, #bytes, #align);
                });
            }
            Instruction::GuestDeallocateVariant { blocks } => {
                let blocks = self.pop_blocks(*blocks);
                let op = &operands[0];
                let arms = blocks.into_iter().enumerate().map(|(i, block)| {
                    let i = Literal::i32_unsuffixed(i as i32);
                    let body = block.body;
                    quote!(#i => { #body })
                });
                self.push(quote! {
                    match #op {
                        #(#arms)*
                        _ => {}
                    }
                });
            }
            Instruction::Flush { amt } => {
                for op in operands.iter().take(*amt) {
                    let flushed = if is_simple(op) {
                        op.clone()
                    } else {
                        self.bind("f", op.clone())
                    };
                    results.push(flushed);
                }
            }
            // Async, futures, streams, maps, fixed-size lists and
            // error-context are rejected before generation starts
            // (`world::check_supported`), so these never reach here.
            other => {
                let message = format!("witbind does not support {other:?} yet");
                self.push(quote!(::core::compile_error!(#message);));
                let n = other.results_len();
                results.extend((0..n).map(|_| quote!(::core::unreachable!())));
            }
        }
    }

    fn return_pointer(&mut self, size: ArchitectureSize, align: Alignment) -> TokenStream {
        let (size, align) = (size.size_wasm32(), align.align_wasm32());
        let (old_size, old_align) = self.ret_area.unwrap_or((0, 1));
        self.ret_area = Some((old_size.max(size), old_align.max(align)));
        if self.static_ret_area {
            let ptr = self.tmp("ptr");
            self.push(quote!(let #ptr = (&raw mut _RET_AREA.0).cast::<u8>();));
            quote!(#ptr)
        } else {
            let ptr = self.tmp("ptr");
            self.push(quote!(let #ptr = _ret_area.0.as_mut_ptr().cast::<u8>();));
            quote!(#ptr)
        }
    }

    fn push_block(&mut self) {
        let [elem, base] = self.tmps(&["e", "base"]);
        let payload = elem.clone();
        self.open.push(OpenBlock {
            stmts: Vec::new(),
            in_loop: false,
            elem,
            base,
            payload,
        });
    }

    fn finish_block(&mut self, operands: &mut Vec<TokenStream>) {
        if let [value] = operands.as_mut_slice() {
            *value = self.take_trailing_let(value.clone());
        }
        let block = self.open.pop().expect("a block is open");
        let stmts = block.stmts;
        self.finished.push(Block {
            body: quote!(#(#stmts)*),
            results: std::mem::take(operands),
            elem: block.elem,
            base: block.base,
            payload: block.payload,
        });
    }

    fn sizes(&self) -> &SizeAlign {
        &self.cx.sizes
    }

    fn is_list_canonical(&self, _resolve: &Resolve, element: &Type) -> bool {
        matches!(
            element,
            Type::U8
                | Type::S8
                | Type::U16
                | Type::S16
                | Type::U32
                | Type::S32
                | Type::U64
                | Type::S64
                | Type::F32
                | Type::F64
        )
    }
}
