; corpus/history/5.13-altnot/5.13-x86_64-read_cr2.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x805 (bvsub RSP (_ bv8 64))))
(let ((?x432 (bvadd ?x805 (_ bv8 64))))
(let (($x840 (and (distinct ?x432 RSP) true)))
(let (($x225 (and (distinct (_ bv18446744071578845191 64) (_ bv18446744071578845191 64)) true)))
(let (($x926 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x786 (= TF (_ bv0 1))))
(let (($x434 (= VM (_ bv0 1))))
(let (($x337 (= DF (_ bv0 1))))
(and $x337 $x434 $x786 $x926 (or $x225 $x840)))))))))))
(check-sat)
