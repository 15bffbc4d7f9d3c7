; corpus/equivalent/x86_64-sysv-clobbers-rcx.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x381 (bvsub RSP (_ bv8 64))))
(let ((?x333 (bvadd ?x381 (_ bv8 64))))
(let (($x329 (and (distinct ?x333 RSP) true)))
(let (($x591 (and (distinct (_ bv18446744071578845192 64) (_ bv18446744071578845192 64)) true)))
(let (($x568 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x74 (= TF (_ bv0 1))))
(let (($x399 (= VM (_ bv0 1))))
(let (($x324 (= DF (_ bv0 1))))
(and $x324 $x399 $x74 $x568 (or $x591 $x329)))))))))))
(check-sat)
