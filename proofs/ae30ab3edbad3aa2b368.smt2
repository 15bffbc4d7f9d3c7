; corpus/history/2.6.24-5.12-x86/x86_64-clts.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x44 (bvsub RSP (_ bv8 64))))
(let ((?x72 (bvadd ?x44 (_ bv8 64))))
(let (($x59 (and (distinct ?x72 RSP) true)))
(let (($x45 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x489 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x13 (= TF (_ bv0 1))))
(let (($x528 (= VM (_ bv0 1))))
(let (($x866 (= DF (_ bv0 1))))
(and $x866 $x528 $x13 $x489 (or $x45 $x59)))))))))))
(check-sat)
