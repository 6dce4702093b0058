//! Makes `crates/witbind/src/rt/libwitbind_weak.a`: the static library of
//! weak symbols that the runtime links into wasm32 builds (its build
//! script), two relocatable wasm objects in an `ar` archive:
//!
//! - `wasip3_task_set`, through which every async runtime of a component
//!   (witbind's, wit-bindgen's, of any version) publishes the task it runs
//!   (see the runtime's `cabi` module): a mutable `i32` global local to the
//!   object, and the function `wasip3_task_set(new) -> old`;
//! - `cabi_realloc`, calling the runtime's Rust allocator
//!   (`witbind_cabi_realloc_<version>`). Weak, so that std's or the
//!   `with_cabi_realloc` option's wins when present. Next to it, in the
//!   same object, the strong, hidden and empty
//!   `witbind_link_cabi_realloc_<version>`, which generated code references:
//!   that pulls this object into the link as soon as the guest's own object
//!   is read, so this `cabi_realloc` is defined before any other archive is
//!   asked for one. Without it the first archive on the link line that
//!   offers `cabi_realloc` would win: wasi-libc's (`malloc`, freeing with
//!   the wrong allocator), or the weak one of wit-bindgen 0.57 (whose
//!   target is missing on `wasm32-wasip2`: the component fails to link).
//!
//! Weak definitions cannot be written in stable Rust, and no C compiler for
//! wasm is at hand, so the objects are encoded here, with the linking
//! metadata `wasm-ld` reads (a symbol table, the relocations of indices in
//! the code). The library is committed; the test `weak_archive` checks that
//! it is what this code makes (`WITBIND_BLESS=1` rewrites it).

use wasm_encoder::{
    CodeSection, ConstExpr, CustomSection, Encode, EntityType, FunctionSection, GlobalSection,
    GlobalType, ImportSection, LinkingSection, Module, SymbolTable, TypeSection, ValType,
};

/// The objects of the library, in order.
pub const MEMBERS: [&str; 2] = ["wasip3_task.o/", "cabi_realloc.o/"];

/// The symbols the library defines, each with the index of its member in
/// [`MEMBERS`].
pub fn symbols() -> [(String, usize); 3] {
    [
        ("wasip3_task_set".to_string(), 0),
        ("cabi_realloc".to_string(), 1),
        (link_anchor(), 1),
    ]
}

/// The Rust function the weak `cabi_realloc` calls (witbind's, of this
/// version).
pub fn realloc_target() -> String {
    format!("witbind_cabi_realloc_{}", env!("CARGO_PKG_VERSION"))
}

/// The empty function next to `cabi_realloc` that generated code
/// references, so that the linker takes that object (see the module's
/// documentation).
pub fn link_anchor() -> String {
    format!("witbind_link_cabi_realloc_{}", env!("CARGO_PKG_VERSION"))
}

/// `R_WASM_FUNCTION_INDEX_LEB`: a function's index, as a 5-byte LEB128.
const R_WASM_FUNCTION_INDEX_LEB: u8 = 0;
/// `R_WASM_GLOBAL_INDEX_LEB`: a global's index, as a 5-byte LEB128.
const R_WASM_GLOBAL_INDEX_LEB: u8 = 7;

/// One function body and the relocations in it: (offset in the body, type,
/// symbol).
struct Body {
    bytes: Vec<u8>,
    relocations: Vec<(usize, u8, u32)>,
}

impl Body {
    fn new() -> Body {
        // No locals.
        Body {
            bytes: vec![0x00],
            relocations: Vec::new(),
        }
    }

    /// An instruction taking an index the linker rewrites.
    fn relocated(&mut self, opcode: u8, kind: u8, symbol: u32) {
        self.bytes.push(opcode);
        self.relocations.push((self.bytes.len(), kind, symbol));
        self.bytes.extend(padded_leb(0));
    }

    /// Ends the body; adds it as the first function of `module`'s code
    /// section (`code_section` is that section's index), then `empty` more
    /// functions that do nothing, and the matching `reloc.CODE` after
    /// `linking`.
    fn finish(
        mut self,
        module: &mut Module,
        code_section: u32,
        linking: &LinkingSection,
        empty: usize,
    ) {
        self.bytes.push(0x0b); // end
        let mut code = CodeSection::new();
        code.raw(&self.bytes);
        for _ in 0..empty {
            // No locals; `end`.
            code.raw(&[0x00, 0x0b]);
        }
        module.section(&code);
        module.section(linking);
        // Offsets are in the code section's payload: its function count
        // and the first body's size (one byte each), then the body.
        assert!(self.bytes.len() < 0x80, "the body's size is a one-byte LEB");
        let body_start = 2;
        let mut relocations = Vec::new();
        code_section.encode(&mut relocations);
        (self.relocations.len() as u32).encode(&mut relocations);
        for (offset, kind, symbol) in self.relocations {
            relocations.push(kind);
            ((body_start + offset) as u32).encode(&mut relocations);
            symbol.encode(&mut relocations);
        }
        module.section(&CustomSection {
            name: "reloc.CODE".into(),
            data: relocations.into(),
        });
    }
}

/// `wasip3_task_set(task: i32) -> i32`: stores `task` in its global and
/// returns what was there.
pub fn task_object() -> Vec<u8> {
    let mut module = Module::new();
    let mut types = TypeSection::new();
    types.ty().function([ValType::I32], [ValType::I32]);
    module.section(&types);
    let mut functions = FunctionSection::new();
    functions.function(0);
    module.section(&functions);
    let mut globals = GlobalSection::new();
    globals.global(
        GlobalType {
            val_type: ValType::I32,
            mutable: true,
            shared: false,
        },
        &ConstExpr::i32_const(0),
    );
    module.section(&globals);

    let mut symbols = SymbolTable::new();
    symbols.function(
        SymbolTable::WASM_SYM_BINDING_WEAK | SymbolTable::WASM_SYM_VISIBILITY_HIDDEN,
        0,
        Some("wasip3_task_set"),
    );
    symbols.global(
        SymbolTable::WASM_SYM_BINDING_LOCAL | SymbolTable::WASM_SYM_VISIBILITY_HIDDEN,
        0,
        Some("witbind_current_task"),
    );
    let mut linking = LinkingSection::new();
    linking.symbol_table(&symbols);

    // `global.get 0; local.get 0; global.set 0`
    let mut body = Body::new();
    body.relocated(0x23, R_WASM_GLOBAL_INDEX_LEB, 1);
    body.bytes.extend([0x20, 0x00]);
    body.relocated(0x24, R_WASM_GLOBAL_INDEX_LEB, 1);
    // Sections: type, function, global, code (index 3).
    body.finish(&mut module, 3, &linking, 0);
    module.finish()
}

/// `cabi_realloc(old, old_len, align, new_len) -> ptr`, calling the
/// runtime's Rust function with the same arguments, and the empty
/// [`link_anchor`].
pub fn realloc_object() -> Vec<u8> {
    let mut module = Module::new();
    let mut types = TypeSection::new();
    types.ty().function([ValType::I32; 4], [ValType::I32]);
    types.ty().function([], []);
    module.section(&types);
    let mut imports = ImportSection::new();
    imports.import("env", &realloc_target(), EntityType::Function(0));
    module.section(&imports);
    let mut functions = FunctionSection::new();
    functions.function(0);
    functions.function(1);
    module.section(&functions);

    let mut symbols = SymbolTable::new();
    // The imported function: its name is the import's.
    symbols.function(SymbolTable::WASM_SYM_UNDEFINED, 0, None);
    symbols.function(
        SymbolTable::WASM_SYM_BINDING_WEAK | SymbolTable::WASM_SYM_EXPORTED,
        1,
        Some("cabi_realloc"),
    );
    let anchor = link_anchor();
    symbols.function(SymbolTable::WASM_SYM_VISIBILITY_HIDDEN, 2, Some(&anchor));
    let mut linking = LinkingSection::new();
    linking.symbol_table(&symbols);

    // `local.get 0..3; call <target>`
    let mut body = Body::new();
    for local in 0..4 {
        body.bytes.extend([0x20, local]);
    }
    body.relocated(0x10, R_WASM_FUNCTION_INDEX_LEB, 0);
    // Sections: type, import, function, code (index 3).
    body.finish(&mut module, 3, &linking, 1);
    module.finish()
}

/// `value` as a 5-byte LEB128.
fn padded_leb(value: u32) -> [u8; 5] {
    let mut bytes = [0u8; 5];
    for (i, byte) in bytes.iter_mut().enumerate() {
        *byte = ((value >> (7 * i)) & 0x7f) as u8;
        if i < 4 {
            *byte |= 0x80;
        }
    }
    bytes
}

/// The archive: the GNU `ar` format, with the symbol index `wasm-ld`
/// needs, then the objects, with fixed dates, owners and modes so that the
/// bytes depend only on the objects.
pub fn archive() -> Vec<u8> {
    let members = [task_object(), realloc_object()];
    let symbols = symbols();
    // The symbol index: the count, each symbol's member offset
    // (big-endian), then the names, NUL-terminated.
    let mut names = Vec::new();
    for (symbol, _) in &symbols {
        names.extend(symbol.as_bytes());
        names.push(0);
    }
    let index_len = 4 + 4 * symbols.len() + names.len();
    let mut offset = 8 + 60 + padded(index_len);
    let mut offsets = Vec::new();
    for member in &members {
        offsets.push(offset);
        offset += 60 + padded(member.len());
    }

    let mut out = b"!<arch>\n".to_vec();
    member_header(&mut out, "/", index_len);
    out.extend((symbols.len() as u32).to_be_bytes());
    for (_, member) in &symbols {
        out.extend((offsets[*member] as u32).to_be_bytes());
    }
    out.extend(&names);
    pad(&mut out);
    for (name, member) in MEMBERS.iter().zip(&members) {
        member_header(&mut out, name, member.len());
        out.extend(member);
        pad(&mut out);
    }
    out
}

/// `len` rounded up to an even number (members start at even offsets).
fn padded(len: usize) -> usize {
    len + len % 2
}

fn pad(out: &mut Vec<u8>) {
    if out.len() % 2 == 1 {
        out.push(b'\n');
    }
}

/// A member's 60-byte header.
fn member_header(out: &mut Vec<u8>, name: &str, size: usize) {
    let header = format!("{name:<16}{:<12}{:<6}{:<6}{:<8}{size:<10}`\n", 0, 0, 0, 644);
    assert_eq!(header.len(), 60);
    out.extend(header.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_objects_are_valid_relocatable_modules() {
        for object in [task_object(), realloc_object()] {
            wasmparser::Validator::new()
                .validate_all(&object)
                .expect("a valid module");
            let mut sections = Vec::new();
            for payload in wasmparser::Parser::new(0).parse_all(&object) {
                if let wasmparser::Payload::CustomSection(reader) = payload.expect("parses") {
                    sections.push(reader.name().to_string());
                }
            }
            assert_eq!(sections, ["linking", "reloc.CODE"]);
        }
    }

    #[test]
    fn padded_lebs_decode_to_their_value() {
        for value in [0, 1, 127, 128, 300, u32::MAX] {
            let bytes = padded_leb(value);
            let mut reader = wasmparser::BinaryReader::new(&bytes, 0);
            assert_eq!(reader.read_var_u32().expect("a LEB"), value);
            assert!(reader.eof());
        }
    }
}
