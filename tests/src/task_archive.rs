//! Makes `crates/witbind/src/rt/libwitbind_wasip3_task.a`: a static library
//! (an `ar` archive holding one relocatable wasm object) that defines the
//! weak symbol `wasip3_task_set`, which every async runtime of a component
//! shares to publish the task it runs (see the runtime's `cabi` module).
//!
//! A weak definition cannot be written in stable Rust, and no C compiler
//! for wasm is at hand, so the object is encoded here, byte by byte: a
//! mutable `i32` global (the current task, local to the object) and the
//! function `wasip3_task_set(new) -> old`, with the linking metadata that
//! `wasm-ld` reads (a symbol table and the relocations of the global's
//! index in the code). The library is committed; the test
//! `task_archive` checks that it is what this code makes
//! (`WITBIND_BLESS=1` rewrites it).

use wasm_encoder::{
    CodeSection, ConstExpr, CustomSection, Encode, FunctionSection, GlobalSection, GlobalType,
    LinkingSection, Module, SymbolTable, TypeSection, ValType,
};

/// The symbol the library defines.
pub const SYMBOL: &str = "wasip3_task_set";

/// `R_WASM_GLOBAL_INDEX_LEB`: a global's index, as a 5-byte LEB128.
const R_WASM_GLOBAL_INDEX_LEB: u8 = 7;

/// The object file: `wasip3_task_set(task: i32) -> i32` stores `task` in
/// its global and returns what was there.
pub fn object() -> Vec<u8> {
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

    // The body, by hand: global indices must be 5-byte LEBs for the
    // linker to rewrite them. `global.get 0; local.get 0; global.set 0`.
    let mut body = vec![0x00]; // no locals
    let mut relocated = Vec::new();
    body.push(0x23); // global.get
    relocated.push(body.len());
    body.extend(padded_leb(0));
    body.extend([0x20, 0x00]); // local.get 0
    body.push(0x24); // global.set
    relocated.push(body.len());
    body.extend(padded_leb(0));
    body.push(0x0b); // end

    let mut code = CodeSection::new();
    code.raw(&body);
    // Offsets of the relocations in the code section's payload: its
    // function count (one byte), the body's size (one byte), then the body.
    assert!(body.len() < 0x80, "the body's size is a one-byte LEB");
    let body_start = 2;
    module.section(&code);

    let mut symbols = SymbolTable::new();
    symbols.function(
        SymbolTable::WASM_SYM_BINDING_WEAK | SymbolTable::WASM_SYM_VISIBILITY_HIDDEN,
        0,
        Some(SYMBOL),
    );
    symbols.global(
        SymbolTable::WASM_SYM_BINDING_LOCAL | SymbolTable::WASM_SYM_VISIBILITY_HIDDEN,
        0,
        Some("witbind_current_task"),
    );
    let mut linking = LinkingSection::new();
    linking.symbol_table(&symbols);
    module.section(&linking);

    // `reloc.CODE`: the code section is the module's fourth (index 3).
    let mut relocations = Vec::new();
    3u32.encode(&mut relocations);
    (relocated.len() as u32).encode(&mut relocations);
    for offset in relocated {
        relocations.push(R_WASM_GLOBAL_INDEX_LEB);
        ((body_start + offset) as u32).encode(&mut relocations);
        1u32.encode(&mut relocations); // the global's symbol
    }
    module.section(&CustomSection {
        name: "reloc.CODE".into(),
        data: relocations.into(),
    });

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
/// needs and the object, and fixed dates, owners and modes so that the
/// bytes depend only on the object.
pub fn archive() -> Vec<u8> {
    const MEMBER: &str = "wasip3_task.o/";
    let object = object();

    // The symbol index: the count, each symbol's member offset (all the
    // same, big-endian), then the names, NUL-terminated.
    let mut names = SYMBOL.as_bytes().to_vec();
    names.push(0);
    let index_len = 4 + 4 + names.len();
    let index_padded = index_len + index_len % 2;
    let object_offset = 8 + 60 + index_padded;

    let mut out = b"!<arch>\n".to_vec();
    member_header(&mut out, "/", index_len);
    out.extend(1u32.to_be_bytes());
    out.extend((object_offset as u32).to_be_bytes());
    out.extend(&names);
    if index_len % 2 == 1 {
        out.push(b'\n');
    }
    assert_eq!(out.len(), object_offset);
    member_header(&mut out, MEMBER, object.len());
    out.extend(&object);
    if object.len() % 2 == 1 {
        out.push(b'\n');
    }
    out
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
    fn the_object_is_a_valid_relocatable_module() {
        let object = object();
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
