//! The deep, wide type tree (`wit/fixtures/type-tree.wit`, guest `tree-witbind`)
//! through a real host: random trees go into every export, through the
//! matching import (answered by the host below) and back, and must arrive
//! unchanged everywhere. witbind reads and writes the named types of this
//! tree with one out-of-line function each (`abi/outlined.rs`,
//! `abi/free.rs`) — lifting from core values and from memory, lowering to
//! core values and to memory, freeing after post-return — so this checks
//! all of them on values that take every case, and that the guest's heap
//! (a counting global allocator) is back where it started after each round.

use std::sync::{Arc, Mutex};

use wasmtime::component::{types::Type, Val};
use witbind_tests::{build_guests, Guest, HeapBalance, Rng, Run};

/// A random value of `ty` (lists of up to three elements).
fn value(rng: &mut Rng, ty: &Type) -> Val {
    match ty {
        Type::Bool => Val::Bool(rng.next().is_multiple_of(2)),
        Type::S8 => Val::S8(rng.next() as i8),
        Type::U8 => Val::U8(rng.next() as u8),
        Type::S16 => Val::S16(rng.next() as i16),
        Type::U16 => Val::U16(rng.next() as u16),
        Type::S32 => Val::S32(rng.next() as i32),
        Type::U32 => Val::U32(rng.next() as u32),
        Type::S64 => Val::S64(rng.next() as i64),
        Type::U64 => Val::U64(rng.next()),
        Type::Float32 => Val::Float32((rng.next() as i16) as f32 / 8.0),
        Type::Float64 => Val::Float64((rng.next() as i32) as f64 / 16.0),
        Type::Char => Val::Char(['a', 'é', '✓', '😀'][rng.below(4)]),
        Type::String => Val::String(["", "a", "ünï", "a longer string ✓"][rng.below(4)].into()),
        Type::List(list) => {
            let elem = list.ty();
            Val::List((0..rng.below(4)).map(|_| value(rng, &elem)).collect())
        }
        Type::Record(record) => Val::Record(
            record
                .fields()
                .map(|field| (field.name.to_string(), value(rng, &field.ty)))
                .collect(),
        ),
        Type::Tuple(tuple) => Val::Tuple(tuple.types().map(|t| value(rng, &t)).collect()),
        Type::Variant(variant) => {
            let cases: Vec<_> = variant.cases().collect();
            let case = &cases[rng.below(cases.len())];
            let payload = case.ty.as_ref().map(|t| Box::new(value(rng, t)));
            Val::Variant(case.name.to_string(), payload)
        }
        Type::Option(option) => {
            let inner = option.ty();
            Val::Option((!rng.next().is_multiple_of(3)).then(|| Box::new(value(rng, &inner))))
        }
        Type::Result(result) => {
            let payload = |t: Option<Type>, rng: &mut Rng| t.map(|t| Box::new(value(rng, &t)));
            if rng.next().is_multiple_of(2) {
                Val::Result(Ok(payload(result.ok(), rng)))
            } else {
                Val::Result(Err(payload(result.err(), rng)))
            }
        }
        other => panic!("the tree world has no {other:?}"),
    }
}

/// What the host's imports saw and answer.
#[derive(Default)]
struct Seen {
    /// What `get` returns next.
    next_tree: Option<Val>,
    /// The arguments of every import call, in order.
    args: Vec<Vec<Val>>,
}

#[test]
fn random_trees_cross_every_way_unchanged() {
    let wasm = build_guests().wasm("tree_witbind");
    let mut guest = Guest::load(wasm, &Run::new("tree"), ())
        .unwrap_or_else(|e| panic!("loading the tree guest: {e:?}"));
    let seen = Arc::new(Mutex::new(Seen::default()));
    let mut host = guest
        .linker
        .instance("witbind-fixtures:type-tree/api")
        .expect("the api import");
    for name in ["get", "put", "echo", "contains", "forest"] {
        let seen = seen.clone();
        host.func_new(name, move |_, _, params, results| {
            let mut seen = seen.lock().unwrap();
            seen.args.push(params.to_vec());
            match name {
                "get" => results[0] = seen.next_tree.take().expect("a tree to get"),
                "echo" => results[0] = Val::Result(Ok(Some(Box::new(params[0].clone())))),
                "contains" => results[0] = Val::Bool(true),
                "forest" => results[0] = params[0].clone(),
                _ => {}
            }
            Ok(())
        })
        .expect("defining an import");
    }
    let instance = guest
        .linker
        .instantiate(&mut guest.store, &guest.component)
        .unwrap_or_else(|e| panic!("instantiating the tree guest: {e:?}"));
    let (_, api) = instance
        .get_export(&mut guest.store, None, "witbind-fixtures:type-tree/api")
        .expect("the api export");
    let mut func = |name: &str| {
        let (_, index) = instance
            .get_export(&mut guest.store, Some(&api), name)
            .unwrap_or_else(|| panic!("no export {name}"));
        instance
            .get_func(&mut guest.store, index)
            .expect("a function")
    };
    let [get, put, echo, contains, forest] =
        ["get", "put", "echo", "contains", "forest"].map(&mut func);
    let heap = HeapBalance::new(&instance, &mut guest.store);
    let start = heap.read(&mut guest.store);
    let tree_ty = put.ty(&guest.store).params().next().expect("a parameter").1;
    let contains_params: Vec<Type> = contains.ty(&guest.store).params().map(|p| p.1).collect();
    let forest_ty = forest
        .ty(&guest.store)
        .params()
        .next()
        .expect("a parameter")
        .1;

    let mut rng = Rng::new(0x7ee5_eed5);
    let mut cases = std::collections::BTreeSet::new();
    for round in 0..60 {
        let tree = value(&mut rng, &tree_ty);
        if let Val::Record(fields) = &tree {
            if let Some((_, Val::Variant(case, _))) = fields.iter().find(|(n, _)| n == "root") {
                cases.insert(case.clone());
            }
        }
        let mut result = [Val::Bool(false)];
        let call = |f: &wasmtime::component::Func,
                    store: &mut wasmtime::Store<_>,
                    args: &[Val],
                    results: &mut [Val]| {
            f.call(&mut *store, args, results)
                .unwrap_or_else(|e| panic!("round {round}: {e:?}"));
        };

        // Import result → export result.
        seen.lock().unwrap().next_tree = Some(tree.clone());
        call(&get, &mut guest.store, &[], &mut result);
        assert_eq!(result[0], tree, "round {round}: get");

        // Export argument → import argument.
        call(&put, &mut guest.store, std::slice::from_ref(&tree), &mut []);
        let args = seen.lock().unwrap().args.pop().expect("put was called");
        assert_eq!(args, std::slice::from_ref(&tree), "round {round}: put");

        // All four ways, in a result.
        call(
            &echo,
            &mut guest.store,
            std::slice::from_ref(&tree),
            &mut result,
        );
        assert_eq!(
            result[0],
            Val::Result(Ok(Some(Box::new(tree.clone())))),
            "round {round}: echo"
        );

        // Two arguments, a leaf and a trunk.
        let pair: Vec<Val> = contains_params.iter().map(|t| value(&mut rng, t)).collect();
        call(&contains, &mut guest.store, &pair, &mut result);
        assert_eq!(result[0], Val::Bool(true), "round {round}: contains");
        let args = seen
            .lock()
            .unwrap()
            .args
            .pop()
            .expect("contains was called");
        assert_eq!(args, pair, "round {round}: contains");

        // A list of trees (memory both ways).
        let trees = value(&mut rng, &forest_ty);
        call(
            &forest,
            &mut guest.store,
            std::slice::from_ref(&trees),
            &mut result,
        );
        assert_eq!(result[0], trees, "round {round}: forest");

        // Every argument, result and list the calls moved was freed (the
        // out-of-line lifting takes what the host allocated; `_free_name`
        // frees the results after the host copied them).
        assert_eq!(
            heap.read(&mut guest.store),
            start,
            "round {round}: the guest's heap grew (a leak)"
        );
    }
    assert!(
        cases.len() >= 4,
        "the random trees took too few of trunk's cases: {cases:?}"
    );
}
